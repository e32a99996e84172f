"""Numbers typed in the page's language (every app's forms), and numbers rounded as the pages
show them (the formatting filters, and the watchlist totals that must add up as shown)."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal

from django.utils.formats import get_format

_COMMA_DECIMAL = re.compile(r"\s*[+-]?[0-9]*,[0-9]+\s*")
# Thousands grouped by spaces as French writes them, and as the pages show quantities
# ("1 000,5": space, no-break space or narrow no-break space), with an optional decimal part.
_SPACE_GROUPED = re.compile(r"\s*[+-]?[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:,[0-9]+)?\s*")


# The minus sign the pages write before a fall ("\u221210.50 %"): copied into a form, it is a
# hyphen-minus, in every language.
_MINUS_SIGN = re.compile(r"^(\s*)\u2212")


def decimal_comma_read(text: str) -> str:
    """ "1,5" is 1.5 and "1 000,5" is 1000.5 where the page's language writes decimals with
    a comma and groups thousands with spaces (French): the services read a point and no
    grouping. Elsewhere a comma stays (and "1,500" stays refused, not 1.5). A leading minus
    sign (U+2212, as the pages show negatives) reads as "-" everywhere."""
    text = _MINUS_SIGN.sub(r"\1-", text)
    if get_format("DECIMAL_SEPARATOR") != ",":
        return text
    if _SPACE_GROUPED.fullmatch(text):
        text = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if _COMMA_DECIMAL.fullmatch(text):
        return text.replace(",", ".")
    return text


# What people and programs write: ASCII digits, one optional point, an optional exponent.
# Python's Decimal also takes "1_000" and non-ASCII digits ("١٢"), which nobody means here.
# The point and the fraction form one optional group: written "[0-9]+\.?[0-9]*", a run of
# digits could be split between the two in every way, and a long one followed by a letter
# took seconds to refuse (quadratic backtracking).
_NUMBER = re.compile(
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|nan|inf|infinity)",
    re.IGNORECASE,
)  # NaN and infinities parse, to be refused as not finite


def number_text_is_plain(text: str) -> bool:
    """Whether a typed number is written as people and programs write one (ASCII digits, one
    optional point, an optional exponent), spaces around it aside."""
    return _NUMBER.fullmatch(text.strip()) is not None


# --- Rounding as pages show amounts (the formatting filters and the watchlist totals) ---


def number_or_none(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# Wide enough for any float's digits: rounding must never raise or lose the integer part.
_ROUNDING = Context(prec=400, rounding=ROUND_HALF_UP)


def half_up(value: float | Decimal, decimals: int) -> Decimal:
    """|value| rounded half away from zero at ``decimals`` places, from its shortest repr
    (264.8575 -> 264.86, as a person and the API's decimal strings round it)."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return abs(number).quantize(Decimal(1).scaleb(-decimals), context=_ROUNDING)


def signed_half_up(value: float, decimals: int, *, scale: int = 0) -> Decimal:
    """value x 10^scale rounded as ``half_up`` rounds it, with its sign: a percentage
    (scale 2) rounds like money, -0.23415 -> -23.42, never as the binary float happens to
    lie (Python's round gives -23.41)."""
    rounded = Decimal(repr(value)).scaleb(scale)
    return rounded.quantize(Decimal(1).scaleb(-decimals), context=_ROUNDING)


# An amount that six places round to zero ("$0.000000": a tiny lot's cost, a micro-cap's
# price) shows two significant digits instead, up to this many places (a lot's cost has 30).
MOST_DECIMALS = 32


def price_decimals(amount: float) -> int:
    amount = abs(amount)
    if amount >= 1 or amount == 0:
        return 2
    if amount >= 0.01:
        return 4
    if amount >= 0.0000005:
        return 6
    return min(1 - math.floor(math.log10(amount)), MOST_DECIMALS)


def usd_shown(value) -> Decimal | None:
    """The amount ``usd`` shows, as a signed Decimal (264.8575 -> 264.86, 0.12345 -> 0.1235):
    sums and differences of these add up to the cent on a page. None where it shows a dash."""
    amount = number_or_none(value)
    if amount is None:
        return None
    rounded = half_up(value if isinstance(value, Decimal) else amount, price_decimals(amount))
    return -rounded if amount < 0 else rounded
