"""Money, percentages and changes formatted for the active language.

``{{ 164|usd }}`` gives "$164.00" in English and "164,00 $" in French;
``{{ 1.57e9|usd:"compact" }}`` gives "$1.57B" / "1,57 Md $"; ``{{ -0.2341|pct }}`` gives
"-23.41 %" / "-23,41 %" (with a real minus sign, U+2212). The patterns and unit names come
from the translation catalogue, so a new language needs only its catalogue. Missing values
render as an em dash. ``{{ when|day }}`` and ``{{ when|moment }}`` write a date, and a date
and time, the one way pages write them (core.times).
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.core.signals import setting_changed
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.numberformat import format as number_format
from django.utils.translation import get_language, pgettext

from core.numbers import (
    MOST_DECIMALS,
    half_up,
    number_or_none,
    price_decimals,
    signed_half_up,
    usd_shown,  # noqa: F401  (templates' callers import it from here too)
)
from core.times import date_text, datetime_text

register = template.Library()

MINUS = "\u2212"  # a real minus sign, not a hyphen
NBSP = "\u00a0"
MISSING = "\u2014"


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


def _grouped(value: float | Decimal, decimals: int, formats: dict | None = None) -> str:
    """Absolute value rounded half-up to ``decimals`` places, with the active language's
    separators and grouping (Django's number_format alone cuts the extra digits off)."""
    formats = formats or _language_formats()
    return number_format(
        half_up(value, decimals),
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
    amount = number_or_none(value)
    if amount is None:
        return MISSING
    formats = _language_formats()
    if mode == "compact":
        units = formats["units"]
        for index, (threshold, unit) in enumerate(units):
            if abs(amount) >= threshold:
                if index and half_up(amount / threshold, 2) >= 1000:  # $999.999M: $1.00B
                    threshold, unit = units[index - 1]
                scaled = _grouped(amount / threshold, 2, formats)
                return _minus(amount, 2) + formats["compact"] % {"amount": scaled, "unit": unit}
    decimals = price_decimals(amount)
    exact = value if mode == "exact" and isinstance(value, Decimal) else amount
    if mode == "exact":  # a Decimal keeps digits a float would lose (1e9 $ to 12 places)
        decimals = min(max(decimals, _given_decimals(value)), MOST_DECIMALS)
    amount_text = _grouped(exact, decimals, formats)
    return _minus(amount, decimals) + formats["money"] % {"amount": amount_text}


def _minus(amount: float, decimals: int) -> str:
    """A minus sign for a negative amount that does not round to zero."""
    return MINUS if amount < 0 and half_up(amount, decimals) else ""


@register.filter
def pct(value, mode: str = "") -> str:
    """A fraction as a signed percentage: -0.2341 -> "-23.41 %" (U+2212); "plain" drops the "+"."""
    fraction = number_or_none(value)
    if fraction is None:
        return MISSING
    percent = signed_half_up(fraction, 2, scale=2)
    sign = _sign(percent)
    if mode == "plain" and sign == "+":
        sign = ""
    return f"{sign}{_grouped(percent, 2)}{NBSP}%"


@register.filter
def fall(value) -> str:
    """A fall (drawdown) as ``pct`` for cells coloured as losses; a missing one is a grey
    dash rather than a red one."""
    if number_or_none(value) is None:
        return format_html('<span class="fall--none">{}</span>', MISSING)
    return pct(value)


@register.filter
def num(value, decimals: int = 2) -> str:
    """A plain signed number in the active language: 1.6234 -> "1.62" / "1,62"."""
    number = number_or_none(value)
    if number is None:
        return MISSING
    rounded = signed_half_up(number, int(decimals))
    return (MINUS if rounded < 0 else "") + _grouped(rounded, int(decimals))


@register.filter
def direction(value) -> str:
    """ "up", "down" or "flat": a CSS hook for gains and losses."""
    number = number_or_none(value)
    if number is None:
        return "none"
    percent = signed_half_up(number, 2, scale=2)
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
