"""Numbers typed in the page's language: shared by every app's forms."""

from __future__ import annotations

import re

from django.utils.formats import get_format

_COMMA_DECIMAL = re.compile(r"\s*[+-]?[0-9]*,[0-9]+\s*")
# Thousands grouped by spaces as French writes them, and as the pages show quantities
# ("1 000,5": space, no-break space or narrow no-break space), with an optional decimal part.
_SPACE_GROUPED = re.compile(r"\s*[+-]?[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:,[0-9]+)?\s*")


def decimal_comma_read(text: str) -> str:
    """ "1,5" is 1.5 and "1 000,5" is 1000.5 where the page's language writes decimals with
    a comma and groups thousands with spaces (French): the services read a point and no
    grouping. Elsewhere a comma stays (and "1,500" stays refused, not 1.5)."""
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
