"""Checks of user input shared by the services and the CSV import: each returns the clean value
or raises ValueError with a message meant for people (the caller names the field)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from core.numbers import number_text_is_plain
from core.text import LAYOUT_CHARACTERS, text_characters_refuse
from markets.symbols import symbol_lookup_key
from watchlists.models import (
    COST_DECIMAL_PLACES,
    MAX_COST_BASIS_USD,
    MAX_QUANTITY,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    QUANTITY_DECIMAL_PLACES,
)

MAX_WATCHLISTS_PER_USER = 50
MAX_ITEMS_PER_WATCHLIST = 500
MAX_LOTS_PER_ITEM = 1000
EARLIEST_PURCHASE = date(2009, 1, 1)  # before any token here existed
LATEST_UTC_OFFSET = timedelta(hours=14)  # where a new day begins first (Kiribati)
SYMBOL_MAX_LENGTH = 20
IDEMPOTENCY_KEY_MAX_LENGTH = 255
NOTE_LAYOUT_CHARACTERS = LAYOUT_CHARACTERS


def name_clean(value: object) -> str:
    """A watchlist name, stored composed (Unicode NFC): "e" and a combining accent is "é", so
    two names that look the same are the same name."""
    name = unicodedata.normalize("NFC", str(value if value is not None else "").strip())
    if not name:
        raise ValueError("Enter a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(f"At most {NAME_MAX_LENGTH} characters (it has {len(name)}).")
    text_characters_refuse(name)
    return name


def note_clean(value: object) -> str:
    """A note: tabs and new lines are fine, other control characters are not.

    New lines are stored as LF and count one character each, as the textarea's maxlength
    counts them (a browser posts them as CR LF).
    """
    note = str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValueError(f"At most {NOTE_MAX_LENGTH} characters (it has {len(note)}).")
    text_characters_refuse(note, allowed=NOTE_LAYOUT_CHARACTERS)
    return note


def symbol_clean(value: object) -> str:
    symbol = symbol_lookup_key(value)
    if not symbol:
        raise ValueError("Enter a token symbol.")
    if len(symbol) > SYMBOL_MAX_LENGTH or "\x00" in symbol:
        raise ValueError(f"Unknown token symbol {symbol[:SYMBOL_MAX_LENGTH]!r}.")
    return symbol


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("Enter a number.")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str) and not number_text_is_plain(value):
        raise ValueError(f"{value[:40]!r} is not a number.")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{str(value)[:40]!r} is not a number.") from None
    if not number.is_finite():
        raise ValueError("Enter a finite number.")
    return number


def _amount(value: object, *, limit: Decimal, places: int, what: str) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"Enter a {what}.")
    number = _decimal(value)
    if number <= 0:
        raise ValueError(f"The {what} must be greater than 0.")
    if number > limit:
        raise ValueError(f"The {what} must be at most {limit:,.0f}.")
    if _decimal_places(number) > places:
        raise ValueError(f"The {what} has more than {places} decimal places.")
    return number


def _decimal_places(number: Decimal) -> int:
    """Decimal places that matter (trailing zeros do not), without rounding anything."""
    _, digits, exponent = number.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(int(exponent) + trailing_zeros))


def quantity_clean(value: object) -> Decimal:
    """A quantity of tokens: 0 < q <= 1e12, at most 18 decimal places."""
    return _amount(value, limit=MAX_QUANTITY, places=QUANTITY_DECIMAL_PLACES, what="quantity")


def cost_basis_clean(value: object) -> Decimal:
    """A cost per unit in US dollars: 0 < c <= 1e9, at most 12 decimal places."""
    return _amount(
        value, limit=MAX_COST_BASIS_USD, places=COST_DECIMAL_PLACES, what="cost per unit"
    )


def purchase_date_clean(value: object, *, today: date | None = None) -> date | None:
    """An ISO date (or a date) from 2009-01-01 to today; empty means unknown. "Today" is the
    date where it is latest (UTC+14): people give the date of their own time zone, and just
    after midnight in Paris that date is still tomorrow in UTC. (A lot never counts before
    its token's latest price, whatever its date: selectors.lot_start.)"""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = str(value).strip()
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text[:40]!r} is not a date (YYYY-MM-DD).") from None
    today = today or (datetime.now(UTC) + LATEST_UTC_OFFSET).date()
    if value > today:
        raise ValueError("The purchase date is in the future.")
    if value < EARLIEST_PURCHASE:
        raise ValueError(f"The purchase date is before {EARLIEST_PURCHASE.isoformat()}.")
    return value


def idempotency_key_clean(value: object) -> str:
    """A client's key for one request (an Idempotency-Key header): 1 to 255 visible ASCII
    characters, taken as sent (a UUID is the usual choice)."""
    key = str(value if value is not None else "")
    if not 0 < len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH or not all("!" <= c <= "~" for c in key):
        raise ValueError(
            f"An idempotency key is 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters."
        )
    return key
