"""Percentages and plain numbers round half up, like money: one rule for every figure shown."""

import pytest
from django.utils import translation

from core.templatetags.formatting import change, direction, num, pct

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
