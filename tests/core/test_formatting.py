"""Percentages and plain numbers round half up, like money: one rule for every figure shown."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.templatetags.formatting import change, direction, num, pct, usd

MINUS = "\u2212"
NBSP = "\u00a0"


def in_(lang, func, *args):
    with translation.override(lang):
        return func(*args)


@pytest.mark.parametrize(
    ("fraction", "english", "french"),
    [
        (-0.23415, f"{MINUS}23.42{NBSP}%", f"{MINUS}23,42{NBSP}%"),
        (0.00125, f"+0.13{NBSP}%", f"+0,13{NBSP}%"),
        (-0.00985, f"{MINUS}0.99{NBSP}%", f"{MINUS}0,99{NBSP}%"),
        (0.104, f"+10.40{NBSP}%", f"+10,40{NBSP}%"),
        (-0.00004, f"0.00{NBSP}%", f"0,00{NBSP}%"),  # never a negative zero
        (-0.00005, f"{MINUS}0.01{NBSP}%", f"{MINUS}0,01{NBSP}%"),
    ],
)
def test_it_rounds_a_percentage_half_up_as_it_rounds_money(fraction, english, french):
    assert in_("en", pct, fraction) == english
    assert in_("fr", pct, fraction) == french


def test_it_gives_a_change_the_arrow_of_its_rounded_sign():
    assert direction(-0.00005) == "down"
    assert direction(0.00004) == "flat"
    assert "chg--down" in change(-0.00005)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(2.675, 2, "2.68"), (0.125, 2, "0.13"), (-0.45, 1, f"{MINUS}0.5"), (-0.004, 2, "0.00")],
)
def test_it_rounds_a_plain_number_half_up(value, decimals, text):
    assert in_("en", num, value, decimals) == text


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (Decimal("1.999"), "$1.999", f"1,999{NBSP}$"),
        (Decimal("3.21730"), "$3.2173", f"3,2173{NBSP}$"),
        (Decimal("95"), "$95.00", f"95,00{NBSP}$"),
        (Decimal("0.05"), "$0.0500", f"0,0500{NBSP}$"),
        (Decimal("123456789.123456789012"), "$123,456,789.123456789012", None),
        (1.999, "$1.999", f"1,999{NBSP}$"),
    ],
)
def test_an_exact_amount_shows_every_decimal_it_was_given(value, english, french):
    assert in_("en", usd, value, "exact") == english
    if french:
        assert in_("fr", usd, value, "exact") == french
    assert in_("en", usd, Decimal("1.999")) == "$2.00"  # other amounts keep their cents


NNBSP = "\u202f"


def test_french_groups_thousands_with_a_narrow_no_break_space_as_the_charts_do():
    """The pages grouped French thousands with a full no-break space ("63 450,00 $") while
    the charts (the browser's Intl) and French typography use a narrow one ("63 450,00 $")."""
    from django.utils.formats import number_format

    assert in_("fr", usd, 63_450.123) == f"63{NNBSP}450,12{NBSP}$"
    assert in_("fr", pct, -12.5) == f"{MINUS}1{NNBSP}250,00{NBSP}%"
    assert in_("fr", num, 12345.678) == f"12{NNBSP}345,68"
    with translation.override("fr"):
        assert number_format(1000, force_grouping=True) == f"1{NNBSP}000"
    assert in_("en", usd, 63_450.123) == "$63,450.12"
