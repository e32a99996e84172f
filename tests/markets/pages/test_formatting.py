"""The money, percentage and change filters follow the active language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from core.templatetags.formatting import change, direction, num, pct, usd
from markets.templatetags.market_format import sparkline
from tests.markets.pages.html import MINUS

NBSP = "\u00a0"


@pytest.fixture(params=["en", "fr"])
def language(request):
    with translation.override(request.param):
        yield request.param


def in_(lang, func, *args):
    with translation.override(lang):
        return func(*args)


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (164, "$164.00", f"164,00{NBSP}$"),
        (63_450.123, "$63,450.12", f"63\u202f450,12{NBSP}$"),
        (0.17, "$0.1700", f"0,1700{NBSP}$"),
        (0.004321, "$0.004321", f"0,004321{NBSP}$"),
        (0, "$0.00", f"0,00{NBSP}$"),
        (-5, f"{MINUS}$5.00", f"{MINUS}5,00{NBSP}$"),
    ],
)
def test_usd_writes_dollars_the_way_each_language_does(value, english, french):
    assert in_("en", usd, value) == english
    assert in_("fr", usd, value) == french


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (1.57e9, "$1.57B", f"1,57{NBSP}Md{NBSP}$"),
        (330.62e6, "$330.62M", f"330,62{NBSP}M{NBSP}$"),
        (2.5e12, "$2.50T", f"2,50{NBSP}Bn{NBSP}$"),
        (12_500, "$12.50K", f"12,50{NBSP}k{NBSP}$"),
        (999, "$999.00", f"999,00{NBSP}$"),
    ],
)
def test_compact_usd_shortens_big_amounts(value, english, french):
    assert in_("en", usd, value, "compact") == english
    assert in_("fr", usd, value, "compact") == french


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (0.0000001, "$0.00000010", f"0,00000010{NBSP}$"),
        (0.00000004567, "$0.000000046", f"0,000000046{NBSP}$"),
        (0.00000049, "$0.00000049", f"0,00000049{NBSP}$"),
        (0.0000005, "$0.000001", f"0,000001{NBSP}$"),  # shown at 6 places as before
        (1e-30, "$0.0000000000000000000000000000010", None),
        (0.0000012, "$0.000001", f"0,000001{NBSP}$"),
        (0.0123, "$0.0123", f"0,0123{NBSP}$"),
    ],
)
def test_usd_shows_two_significant_digits_of_an_amount_too_small_for_six_places(
    value, english, french
):
    assert in_("en", usd, value) == english
    if french:
        assert in_("fr", usd, value) == french


@pytest.mark.parametrize(
    ("value", "english"),
    [
        (264.8575, "$264.86"),
        (1.999, "$2.00"),
        (1929.375, "$1,929.38"),
        (882.845, "$882.85"),
        (0.123456789, "$0.1235"),
        (-0.00000051, f"{MINUS}$0.000001"),
        (-0.0000001, f"{MINUS}$0.00000010"),  # never "$0.000000", nor a negative zero
        (-1.005, f"{MINUS}$1.01"),
    ],
)
def test_usd_rounds_half_up_instead_of_cutting_digits_off(value, english):
    assert in_("en", usd, value) == english


@pytest.mark.parametrize(
    ("value", "english"),
    [
        (1_335_250_000, "$1.34B"),
        (999_999_999, "$1.00B"),
        (995_000_000, "$995.00M"),
        (-1_335_250_000, f"{MINUS}$1.34B"),
    ],
)
def test_compact_usd_rounds_and_moves_up_a_unit_when_rounding_reaches_a_thousand(value, english):
    assert in_("en", usd, value, "compact") == english


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (-0.2341, f"{MINUS}23.41{NBSP}%", f"{MINUS}23,41{NBSP}%"),
        (0.0196, f"+1.96{NBSP}%", f"+1,96{NBSP}%"),
        (0, f"0.00{NBSP}%", f"0,00{NBSP}%"),
        (-0.000001, f"0.00{NBSP}%", f"0,00{NBSP}%"),  # never a negative zero
        (-12.5, f"{MINUS}1,250.00{NBSP}%", f"{MINUS}1\u202f250,00{NBSP}%"),
    ],
)
def test_pct_shows_a_fraction_as_a_signed_percentage(value, english, french):
    assert in_("en", pct, value) == english
    assert in_("fr", pct, value) == french


def test_plain_pct_drops_the_plus_sign_but_keeps_the_minus(language):
    assert pct(0.21, "plain").startswith("21")
    assert pct(-0.21, "plain").startswith(f"{MINUS}21")


def test_num_writes_plain_numbers_in_the_active_language():
    assert in_("en", num, 1.6234) == "1.62"
    assert in_("fr", num, 1.6234) == "1,62"
    assert in_("en", num, -0.456, 1) == f"{MINUS}0.5"


@pytest.mark.parametrize("value", [None, "", "abc", float("nan"), float("inf")])
def test_missing_or_broken_values_show_a_dash(language, value):
    for text in (usd(value), usd(value, "compact"), pct(value), num(value)):
        assert text == "—"
    assert "—" in change(value)


def test_a_fall_reads_without_colour_thanks_to_its_arrow_and_minus_sign():
    html = in_("en", change, -0.2341)
    assert 'class="chg chg--down"' in html
    assert "▼" in html
    assert f"{MINUS}23.41" in html


def test_a_rise_reads_without_colour_thanks_to_its_arrow_and_plus_sign():
    html = in_("fr", change, 0.0196)
    assert 'class="chg chg--up"' in html
    assert "▲" in html
    assert "+1,96" in html


def test_direction_follows_the_rounded_percentage():
    assert [direction(v) for v in (-0.01, 0.01, 0, -0.00001, None)] == [
        "down", "up", "flat", "flat", "none",
    ]  # fmt: skip


def test_a_sparkline_is_an_inline_svg_polyline_with_a_label(language):
    svg = sparkline([10.0, 12.0, 9.0, 8.0])
    assert svg.startswith('<svg class="spark spark--down"')
    assert 'role="img"' in svg
    assert f"{MINUS}20" in svg  # 8 / 10 - 1
    assert svg.count(",") >= 4  # x,y pairs


def test_a_sparkline_needs_at_least_two_prices():
    assert "<svg" not in sparkline([5.0])
    assert "<svg" not in sparkline([])


def test_the_filters_work_in_templates(language):
    rendered = Template(
        '{% load formatting %}{{ price|usd }}|{{ cap|usd:"compact" }}|{{ ratio|pct }}'
        "|{% change ratio %}"
    ).render(Context({"price": 164, "cap": 1.57e9, "ratio": -0.2341}))
    price, cap, ratio, arrow = rendered.split("|")
    if language == "en":
        assert (price, cap, ratio) == ("$164.00", "$1.57B", f"{MINUS}23.41{NBSP}%")
    else:
        assert (price, cap, ratio) == (
            f"164,00{NBSP}$",
            f"1,57{NBSP}Md{NBSP}$",
            f"{MINUS}23,41{NBSP}%",
        )
    assert "▼" in arrow


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_separators_kept_per_language_give_what_djangos_number_format_gives(lang):
    from django.utils.formats import number_format

    from core.numbers import half_up
    from core.templatetags.formatting import _grouped

    values = [0, 0.004321, 0.5, 1.005, 999.999, 1234.5, 63_450.123, 1.57e9, 2.5e13, 1e-9]
    for value in values:
        for decimals in (2, 4, 6):
            rounded = half_up(value, decimals)  # Django's own would cut the digits off
            expected = in_(lang, number_format, rounded, decimals, True, True)
            # Switch languages in between: each keeps its own separators.
            in_("fr" if lang == "en" else "en", _grouped, value, decimals)
            assert in_(lang, _grouped, value, decimals) == expected
