"""Money, percentages and changes formatted for the active language.

``{{ 164|usd }}`` gives "$164.00" in English and "164,00 $" in French;
``{{ 1.57e9|usd:"compact" }}`` gives "$1.57B" / "1,57 Md $"; ``{{ -0.2341|pct }}`` gives
"-23.41 %" / "-23,41 %" (with a real minus sign, U+2212). The patterns and unit names come
from the translation catalogue, so a new language needs only its catalogue. Missing values
render as an em dash. ``{{ when|day }}`` and ``{{ when|moment }}`` write a date, and a date
and time, the one way pages write them (core.times).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

from django import template
from django.core.signals import setting_changed
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.numberformat import format as number_format
from django.utils.translation import get_language, pgettext

from core.times import date_text, datetime_text

register = template.Library()

MINUS = "\u2212"  # a real minus sign, not a hyphen
NBSP = "\u00a0"
MISSING = "\u2014"


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# Language code -> its separators, units and patterns. Looked up once per language: Django's
# number_format and pgettext cost a few microseconds a call, and a page formats hundreds of
# numbers. Emptied when settings change (tests), as Django empties its own format cache.
_formats: dict[str | None, dict] = {}


def _language_formats() -> dict:
    language = get_language()
    found = _formats.get(language)
    if found is None:
        found = _formats[language] = {
            "decimal": get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
            "grouping": get_format("NUMBER_GROUPING", language, use_l10n=True),
            "thousands": get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
            "units": _compact_units(),
            # Translators: a compact dollar amount, e.g. "$1.57B"; French "1,57 Md $".
            "compact": pgettext("compact money", "$%(amount)s%(unit)s"),
            # Translators: a dollar amount, e.g. "$164.00"; French "164,00 $" (no-break space).
            "money": pgettext("money", "$%(amount)s"),
        }
    return found


def _formats_forget(**kwargs) -> None:
    _formats.clear()


setting_changed.connect(_formats_forget)


# Wide enough for any float's digits: rounding must never raise or lose the integer part.
_ROUNDING = Context(prec=400, rounding=ROUND_HALF_UP)


def _half_up(value: float | Decimal, decimals: int) -> Decimal:
    """|value| rounded half away from zero at ``decimals`` places, from its shortest repr
    (264.8575 -> 264.86, as a person and the API's decimal strings round it)."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return abs(number).quantize(Decimal(1).scaleb(-decimals), context=_ROUNDING)


def _signed_half_up(value: float, decimals: int, *, scale: int = 0) -> Decimal:
    """value x 10^scale rounded as ``_half_up`` rounds it, with its sign: a percentage
    (scale 2) rounds like money, -0.23415 -> -23.42, never as the binary float happens to
    lie (Python's round gives -23.41)."""
    rounded = Decimal(repr(value)).scaleb(scale)
    return rounded.quantize(Decimal(1).scaleb(-decimals), context=_ROUNDING)


def _grouped(value: float | Decimal, decimals: int, formats: dict | None = None) -> str:
    """Absolute value rounded half-up to ``decimals`` places, with the active language's
    separators and grouping (Django's number_format alone cuts the extra digits off)."""
    formats = formats or _language_formats()
    return number_format(
        _half_up(value, decimals),
        formats["decimal"],
        decimals,
        formats["grouping"],
        formats["thousands"],
        force_grouping=True,
        use_l10n=True,
    )


def _sign(rounded: float | Decimal) -> str:
    if rounded > 0:
        return "+"
    return MINUS if rounded < 0 else ""


# An amount that six places round to zero ("$0.000000": a tiny lot's cost, a micro-cap's
# price) shows two significant digits instead, up to this many places (a lot's cost has 30).
_MOST_DECIMALS = 32


def _price_decimals(amount: float) -> int:
    amount = abs(amount)
    if amount >= 1 or amount == 0:
        return 2
    if amount >= 0.01:
        return 4
    if amount >= 0.0000005:
        return 6
    return min(1 - math.floor(math.log10(amount)), _MOST_DECIMALS)


def _compact_units():
    # Largest first: (threshold, unit). Translators: short units of money amounts.
    return (
        (1e12, pgettext("compact money unit, 10^12", "T")),
        (1e9, pgettext("compact money unit, 10^9", "B")),
        (1e6, pgettext("compact money unit, 10^6", "M")),
        (1e3, pgettext("compact money unit, 10^3", "K")),
    )


def _given_decimals(value) -> int:
    """Decimal places a typed amount was given with, trailing zeros aside (Decimal("1.9990")
    and 1.999 -> 3)."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    except (TypeError, ValueError, ArithmeticError):
        return 0
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@register.filter
def usd(value, mode: str = "") -> str:
    """US dollars: "$164.00" / "164,00 $"; with "compact", "$1.57B" / "1,57 Md $"; with
    "exact", every decimal the amount has beyond those (a cost per unit as typed: "$1.999")."""
    amount = _number(value)
    if amount is None:
        return MISSING
    formats = _language_formats()
    if mode == "compact":
        units = formats["units"]
        for index, (threshold, unit) in enumerate(units):
            if abs(amount) >= threshold:
                if index and _half_up(amount / threshold, 2) >= 1000:  # $999.999M: $1.00B
                    threshold, unit = units[index - 1]
                scaled = _grouped(amount / threshold, 2, formats)
                return _minus(amount, 2) + formats["compact"] % {"amount": scaled, "unit": unit}
    decimals = _price_decimals(amount)
    exact = value if mode == "exact" and isinstance(value, Decimal) else amount
    if mode == "exact":  # a Decimal keeps digits a float would lose (1e9 $ to 12 places)
        decimals = min(max(decimals, _given_decimals(value)), _MOST_DECIMALS)
    amount_text = _grouped(exact, decimals, formats)
    return _minus(amount, decimals) + formats["money"] % {"amount": amount_text}


def usd_shown(value) -> Decimal | None:
    """The amount ``usd`` shows, as a signed Decimal (264.8575 -> 264.86, 0.12345 -> 0.1235):
    sums and differences of these add up to the cent on a page. None where it shows a dash."""
    amount = _number(value)
    if amount is None:
        return None
    rounded = _half_up(value if isinstance(value, Decimal) else amount, _price_decimals(amount))
    return -rounded if amount < 0 else rounded


def _minus(amount: float, decimals: int) -> str:
    """A minus sign for a negative amount that does not round to zero."""
    return MINUS if amount < 0 and _half_up(amount, decimals) else ""


@register.filter
def pct(value, mode: str = "") -> str:
    """A fraction as a signed percentage: -0.2341 -> "-23.41 %" (U+2212); "plain" drops the "+"."""
    fraction = _number(value)
    if fraction is None:
        return MISSING
    percent = _signed_half_up(fraction, 2, scale=2)
    sign = _sign(percent)
    if mode == "plain" and sign == "+":
        sign = ""
    return f"{sign}{_grouped(percent, 2)}{NBSP}%"


@register.filter
def fall(value) -> str:
    """A fall (drawdown) as ``pct`` for cells coloured as losses; a missing one is a grey
    dash rather than a red one."""
    if _number(value) is None:
        return format_html('<span class="fall--none">{}</span>', MISSING)
    return pct(value)


@register.filter
def num(value, decimals: int = 2) -> str:
    """A plain signed number in the active language: 1.6234 -> "1.62" / "1,62"."""
    number = _number(value)
    if number is None:
        return MISSING
    rounded = _signed_half_up(number, int(decimals))
    return (MINUS if rounded < 0 else "") + _grouped(rounded, int(decimals))


@register.filter
def direction(value) -> str:
    """ "up", "down" or "flat": a CSS hook for gains and losses."""
    number = _number(value)
    if number is None:
        return "none"
    percent = _signed_half_up(number, 2, scale=2)
    return "up" if percent > 0 else "down" if percent < 0 else "flat"


@register.simple_tag
def change(value):
    """A change with its arrow and sign, readable without colour: "▼ -23.41 %"."""
    way = direction(value)
    if way == "none":
        return format_html('<span class="chg chg--none">{}</span>', MISSING)
    arrow = {"up": "▲", "down": "▼", "flat": "■"}[way]
    return format_html(
        '<span class="chg chg--{}"><span class="chg__arrow" aria-hidden="true">{}</span> {}</span>',
        way,
        arrow,
        pct(value),
    )


@register.filter
def day(value) -> str:
    """A date: "Feb. 6, 2026" / "6 février 2026"; missing: an em dash."""
    return MISSING if value in (None, "") else date_text(value)


@register.filter
def moment(value) -> str:
    """A date and time in UTC: "Feb. 6, 2026, 08:00 UTC" / "6 février 2026, 08:00 UTC"."""
    return MISSING if value in (None, "") else datetime_text(value)
