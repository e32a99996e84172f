"""The positions CSV: ``symbol,quantity,cost_basis_usd,purchased_at,note``, one row per lot.

A row with empty quantity and cost basis is an item without lots (so an export of a list that
watches tokens without holding them imports back the same). Text cells (symbol and note) a
spreadsheet would run as a formula (= + - @, tab or CR first, after any spaces, quotes or
invisible characters) are written with a leading
apostrophe, which import removes; a text that itself starts with apostrophes before such a
character gets one more, so every text reads back as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from core.text import cell_starts_formula
from watchlists import validation

HEADER = ["symbol", "quantity", "cost_basis_usd", "purchased_at", "note"]
SEMICOLONS = (
    "the columns are separated by semicolons: save the file with commas between columns and a "
    "point for decimals, as the export does."
)
MAX_ROWS = 10_000


class PositionsCsvError(ValidationError):
    """A bad line: the whole import fails. ``message_dict`` is {"file": ["Line N: reason"]}."""

    def __init__(self, line: int, reason: str):
        super().__init__({"file": [f"Line {line}: {reason}"]})
        self.line, self.reason = line, reason


@dataclass(frozen=True)
class PositionRow:
    line: int
    symbol: str
    quantity: Decimal | None  # None (with cost_basis_usd None): the item only, no lot
    cost_basis_usd: Decimal | None
    purchased_at: date | None
    note: str


def decimal_text(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: Decimal("2.500") -> "2.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _escaped(text: str) -> bool:
    """Whether a spreadsheet could read the text as a formula, whatever spaces, quotes
    (apostrophes included) or invisible characters come first."""
    return cell_starts_formula(text)


def _cell_out(text: str) -> str:
    """A text cell a spreadsheet will not run: "=1+1" -> "'=1+1", "'=1" -> "''=1"."""
    return "'" + text if _escaped(text) else text


def _cell_in(text: str) -> str:
    """The text a cell written by ``_cell_out`` holds (a cell it did not write is kept)."""
    return text[1:] if text.startswith("'") and _escaped(text) else text


def csv_write(rows: Iterable[tuple[str, Decimal | None, Decimal | None, date | None, str]]) -> str:
    """The file's text, header first, from (symbol, quantity, cost, date, note) tuples."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for symbol, quantity, cost, purchased_at, note in rows:
        writer.writerow(
            [
                _cell_out(symbol),
                "" if quantity is None else decimal_text(quantity),
                "" if cost is None else decimal_text(cost),
                "" if purchased_at is None else purchased_at.isoformat(),
                _cell_out(note),
            ]
        )
    return buffer.getvalue()


_DECIMAL_COMMA = re.compile(r"\s*[+-]?[0-9]+,[0-9]+\s*")
# "1,000": a thousand in an English spreadsheet, 1.000 in a French one; nothing tells which.
_COMMA_AMBIGUOUS = re.compile(r"\s*[+-]?[0-9]{1,3},[0-9]{3}\s*")
# "1,000,000" or "1,000.5": commas that can only group thousands.
_THOUSANDS_COMMAS = re.compile(
    r"\s*[+-]?[0-9]{1,3}(?:(?:,[0-9]{3}){2,}(?:\.[0-9]+)?|,[0-9]{3}\.[0-9]+)\s*"
)


def _with_comma_hint(clean, raw: str) -> Decimal:
    """``clean(raw)``; a comma in a number (the cell is quoted in a CSV file) is refused with
    a hint to write it as the export does: a point for decimals ("1,5", as a French
    spreadsheet writes it), no thousands separators ("1,000,000"), and "1,000", which may be
    either, with both readings rather than a guess."""
    try:
        return clean(raw)
    except ValueError as exc:
        if not str(exc).endswith(" is not a number."):
            raise
        refused = str(exc).removesuffix(".")
        text = raw.strip()
        if _COMMA_AMBIGUOUS.fullmatch(raw):
            hint = (
                f"write {text.replace(',', '')} if the comma separates thousands, "
                f"or {text.replace(',', '.')} if it marks decimals"
            )
        elif _THOUSANDS_COMMAS.fullmatch(raw):
            hint = f"write it without thousands separators ({text.replace(',', '')})"
        elif _DECIMAL_COMMA.fullmatch(raw):
            hint = f"write the decimals after a point ({text.replace(',', '.')})"
        else:
            raise
        raise ValueError(f"{refused}: {hint}, as the export does.") from None


def _row_parse(line: int, cells: list[str]) -> PositionRow:
    if len(cells) != len(HEADER):
        raise PositionsCsvError(line, f"expected {len(HEADER)} columns, found {len(cells)}.")
    raw_symbol, raw_quantity, raw_cost, raw_date, raw_note = cells
    field = "symbol"
    try:
        symbol = validation.symbol_clean(_cell_in(raw_symbol.strip()))
        if not raw_quantity.strip() and not raw_cost.strip():
            quantity = cost = None
            if raw_date.strip():
                field = "purchased_at"
                raise ValueError("A purchase date needs a quantity and a cost basis.")
        else:
            field = "quantity"
            quantity = _with_comma_hint(validation.quantity_clean, raw_quantity)
            field = "cost_basis_usd"
            cost = _with_comma_hint(validation.cost_basis_clean, raw_cost)
        field = "purchased_at"
        purchased_at = validation.purchase_date_clean(raw_date)
        field = "note"
        note = validation.note_clean(_cell_in(raw_note.strip()))
    except ValueError as exc:
        raise PositionsCsvError(line, f"{field}: {exc}") from None
    return PositionRow(line, symbol, quantity, cost, purchased_at, note)


def csv_parse(text: str) -> list[PositionRow]:
    """Every row of the file, checked; raises PositionsCsvError at the first bad line."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = next(reader, None)
        if header is None:
            raise PositionsCsvError(1, "the file is empty.")
        if [cell.strip().lower() for cell in header] != HEADER:
            if [cell.strip().lower() for cell in ",".join(header).split(";")] == HEADER:
                raise PositionsCsvError(1, SEMICOLONS)  # a French spreadsheet's "CSV"
            raise PositionsCsvError(1, f"the header must be {','.join(HEADER)}.")
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise PositionsCsvError(reader.line_num, f"more than {MAX_ROWS:,} rows.")
            rows.append(_row_parse(reader.line_num, cells))
    except csv.Error as exc:
        raise PositionsCsvError(reader.line_num, f"not valid CSV ({exc}).") from None
    if not rows:
        raise PositionsCsvError(2, "the file has a header but no rows.")
    return rows
