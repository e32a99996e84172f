"""What a token symbol may be: the one rule behind the model, its database constraint, the
admin, curation, the CSV import and the URLs (``/tokens/<symbol>/``).

1 to 20 upper-case ASCII letters, digits, dots and hyphens, starting with a letter or digit.
Anything else could be stored but not routed: every page linking to the token would fail.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SYMBOL_MAX_LENGTH = 20
SYMBOL_PATTERN = r"[A-Z0-9][A-Z0-9.\-]{0,19}"
# The database's regular expression (PostgreSQL ~, anchored); "-" last is a plain hyphen.
SYMBOL_DB_REGEX = r"^[A-Z0-9][A-Z0-9.-]{0,19}$"
# In a URL the symbol may come in any case: views look it up in upper case.
SYMBOL_URL_PATTERN = r"[A-Za-z0-9][A-Za-z0-9.\-]{0,19}"
SYMBOL_RE = re.compile(SYMBOL_PATTERN)
SYMBOL_URL_RE = re.compile(SYMBOL_URL_PATTERN)

SYMBOL_RULE = _(
    "A token symbol is 1 to 20 upper-case letters (A-Z), digits, dots or hyphens, starting "
    "with a letter or a digit."
)


def symbol_is_valid(value: object) -> bool:
    """True when ``value`` is a symbol as stored (already upper case)."""
    return isinstance(value, str) and SYMBOL_RE.fullmatch(value) is not None


def symbol_url_is_valid(value: str) -> bool:
    """True when ``value`` is a symbol as a URL may write it (any case): what the token
    routes take, and so what every route under /tokens/<symbol>/ must take too."""
    return SYMBOL_URL_RE.fullmatch(value) is not None


def symbol_validate(value: object) -> None:
    """The model field's validator: ValidationError naming the value and the rule."""
    if not symbol_is_valid(value):
        raise ValidationError(
            _("“%(symbol)s” cannot be a token symbol. %(rule)s"),
            code="invalid_symbol",
            params={"symbol": str(value)[:40], "rule": SYMBOL_RULE},
        )


def symbol_lookup_key(value: object) -> str:
    """What a typed symbol is looked up as: trimmed, upper-cased only when ASCII. Python's
    str.upper() turns a dotless i or a long s into I or S (dotless "icp" -> "ICP"), so a look-alike
    would reach a token whose page, routed by SYMBOL_URL_PATTERN, is a 404."""
    text = str(value if value is not None else "").strip()
    return text.upper() if text.isascii() else text
