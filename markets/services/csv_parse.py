"""Parse and validate a price CSV in bulk, with the line number and reason of the first bad row.

Whole columns are checked with numpy. Whenever the bulk path finds something wrong, or meets a
row it does not recognise, the row-by-row rules (``row_parse``) decide: they are the
reference, and they name the first bad line exactly as before.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from markets.providers.base import MAX_CAP_OR_VOLUME_USD, MAX_EPOCH, MAX_PRICE_USD, MIN_EPOCH

HEADER = ["symbol", "timestamp", "price_usd", "market_cap_usd", "volume_24h_usd"]
SYMBOL_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,19}$")
ZONE_RE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


class CsvImportError(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


@dataclass(frozen=True)
class ParsedCsv:
    """The rows of a valid file as columns, in file order."""

    lines: np.ndarray  # int64 line numbers
    symbols: list[str]  # upper case, one per row
    ts: np.ndarray  # int64 epoch seconds (fractions of a second dropped)
    price: np.ndarray  # float64
    cap: np.ndarray  # float64, NaN = empty
    volume: np.ndarray  # float64, NaN = empty

    def __len__(self) -> int:
        return len(self.lines)


# --- The row-by-row rules (reference and error messages) -----------------------------------


def timestamp_parse(raw: str) -> int:
    text = raw.strip()
    if not ZONE_RE.search(text):
        raise ValueError(f"timestamp {raw!r} needs a time zone (Z or an offset such as +01:00)")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"timestamp {raw!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {raw!r} needs a time zone")
    epoch = math.floor(moment.timestamp())
    if not MIN_EPOCH <= epoch < MAX_EPOCH:
        raise ValueError(f"timestamp {raw!r} is out of range (1990 to 2099)")
    return epoch


def amount_parse(raw: str, name: str, *, required: bool, limit: float) -> float | None:
    text = raw.strip()
    if not text:
        if required:
            raise ValueError(f"{name} is empty")
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} {raw!r} is not a finite number")
    if value < 0 or (required and value == 0):
        raise ValueError(f"{name} {raw!r} must be {'positive' if required else 'zero or more'}")
    if value > limit:
        raise ValueError(f"{name} {raw!r} is absurdly large")
    return value


def row_parse(line: int, cells: list[str]) -> tuple[str, int, float, float | None, float | None]:
    if len(cells) != len(HEADER):
        raise CsvImportError(line, f"expected {len(HEADER)} columns, found {len(cells)}")
    symbol = cells[0].strip().upper()
    try:
        if not SYMBOL_RE.match(symbol):
            raise ValueError(f"symbol {cells[0]!r} is not a token symbol")
        return (
            symbol, timestamp_parse(cells[1]),
            amount_parse(cells[2], "price_usd", required=True, limit=MAX_PRICE_USD),
            amount_parse(cells[3], "market_cap_usd", required=False, limit=MAX_CAP_OR_VOLUME_USD),
            amount_parse(cells[4], "volume_24h_usd", required=False, limit=MAX_CAP_OR_VOLUME_USD),
        )  # fmt: skip
    except ValueError as exc:
        raise CsvImportError(line, str(exc)) from None


# --- Splitting the file into rows -----------------------------------------------------------


def _rows_split(text: str) -> tuple[list[int], list[list[str]]]:
    """(line numbers, cells) of the non-blank rows after the header, header checked."""
    if '"' in text or "\r" in text.replace("\r\n", ""):
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        numbered = [(reader.line_num, cells) for cells in reader]
    else:  # no quoting: plain splitting gives the same cells, much faster
        raw_lines = text.replace("\r\n", "\n").split("\n")
        if raw_lines and raw_lines[-1] == "":
            raw_lines.pop()
        header = raw_lines[0].split(",") if raw_lines and raw_lines[0] else None
        numbered = [(i, line.split(",")) for i, line in enumerate(raw_lines[1:], start=2)]
    if header is None:
        raise CsvImportError(1, "the file is empty")
    if [h.strip().lower() for h in header] != HEADER:
        raise CsvImportError(1, f"the header must be {','.join(HEADER)}")
    numbered = [(n, cells) for n, cells in numbered if "".join(cells).strip()]
    if not numbered:
        raise CsvImportError(2, "the file has a header but no rows")
    return [n for n, _ in numbered], [cells for _, cells in numbered]


# --- Bulk checks ----------------------------------------------------------------------------


def _amounts(column: list[str], *, required: bool, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """(values with NaN for empty cells, mask of cells the rules would refuse)."""
    cells = np.array(column, dtype=np.str_)
    empty = cells == ""
    try:
        values = np.where(empty, "nan", cells).astype(np.float64)
        unparsed = np.zeros(len(cells), dtype=bool)
    except ValueError:  # spaces or a cell that is not a plain number: cell by cell
        empty = np.array([not c.strip() for c in column], dtype=bool)
        values = np.array([_float_or_nan(c) for c in column], dtype=np.float64)
        unparsed = np.array([_not_float(c) for c in column], dtype=bool)
    with np.errstate(invalid="ignore"):
        bad = unparsed | (~empty & ~np.isfinite(values)) | (values < 0) | (values > limit)
        if required:
            bad |= empty | (values == 0)
    return values, bad


def _float_or_nan(cell: str) -> float:
    try:
        return float(cell) if cell.strip() else math.nan
    except ValueError:
        return math.nan


def _not_float(cell: str) -> bool:
    try:
        float(cell) if cell.strip() else None
    except ValueError:
        return True
    return False


_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _timestamps(column: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(epoch seconds, mask of rows the bulk path did not settle) for ISO 8601 cells shaped
    YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM); other shapes go to the row-by-row rules."""
    cells = np.array(column, dtype=np.str_)
    n, width = len(cells), max(cells.dtype.itemsize // 4, 1)
    if width < 20:
        return np.zeros(n, np.int64), np.ones(n, dtype=bool)
    chars = cells.view(np.uint32).reshape(n, width).clip(max=255).astype(np.int16)
    length = np.char.str_len(cells)
    rows = np.arange(n)

    def at(pos):
        return chars[rows, np.clip(pos, 0, width - 1)]

    digit = (chars >= 48) & (chars <= 57)
    value = chars - 48
    ok = digit[:, _DIGITS].all(axis=1) & (length >= 20)
    ok &= (chars[:, 4] == 45) & (chars[:, 7] == 45) & (chars[:, 13] == 58) & (chars[:, 16] == 58)
    ok &= (chars[:, 10] == 84) | (chars[:, 10] == 32)  # "T" or " "
    # The zone: "Z", "+HH:MM" or "+HHMM" at the end.
    zulu = at(length - 1) == 90
    colon = ~zulu & (at(length - 3) == 58) & np.isin(at(length - 6), (43, 45))
    plain = ~zulu & ~colon & np.isin(at(length - 5), (43, 45))
    body_end = np.where(zulu, length - 1, np.where(colon, length - 6, length - 5))
    ok &= zulu | colon | plain
    sign = np.where(at(body_end) == 45, -1, 1)
    hh, mm = body_end + 1, np.where(colon, body_end + 4, body_end + 3)

    def pick(table, pos):
        return table[rows, np.clip(pos, 0, width - 1)]

    zone_digits = pick(digit, hh) & pick(digit, hh + 1) & pick(digit, mm) & pick(digit, mm + 1)
    ok &= zulu | zone_digits
    zone_h = pick(value, hh) * 10 + pick(value, hh + 1)
    zone_m = pick(value, mm) * 10 + pick(value, mm + 1)
    offset = np.where(zulu, 0, sign * (zone_h * 3600 + zone_m * 60))
    ok &= zulu | ((zone_h < 24) & (zone_m < 60))
    # Between the seconds and the zone: nothing, or "." and digits (dropped: whole seconds).
    has_fraction = body_end > 19
    ok &= ~has_fraction | (chars[:, 19] == 46)
    positions = np.arange(width)
    in_fraction = (positions > 19) & (positions < body_end[:, None])
    ok &= ~has_fraction | ((body_end > 20) & (body_end <= 26))  # 1 to 6 digits
    ok &= (digit | ~in_fraction).all(axis=1)

    def number(*pos):
        out = np.zeros(n, np.int64)
        for p in pos:
            out = out * 10 + value[:, p]
        return out

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute, second = number(11, 12), number(14, 15), number(17, 18)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _DAYS_IN_MONTH[np.clip(month, 0, 12)] + ((month == 2) & leap)
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    ok &= (hour < 24) & (minute < 60) & (second < 60)
    # Days since 1970-01-01 from the civil date (H. Hinnant's algorithm).
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    days = era * 146_097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719_468
    epoch = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
    ok &= (epoch >= MIN_EPOCH) & (epoch < MAX_EPOCH)
    return epoch, ~ok


def csv_parse(text: str) -> ParsedCsv:
    """Every row of the file, checked; CsvImportError names the first bad line otherwise."""
    lines, rows = _rows_split(text)
    widths = np.fromiter((len(r) for r in rows), np.int64, len(rows))
    bad = widths != len(HEADER)
    if bad.any():
        first = int(np.argmax(bad))
        row_parse(lines[first], rows[first])  # raises with the reason
    sym_col, ts_col, price_col, cap_col, vol_col = (list(c) for c in zip(*rows, strict=True))
    symbols = [s.strip().upper() for s in sym_col]
    bad_symbols = {s for s in set(symbols) if not SYMBOL_RE.match(s)}
    bad = np.fromiter((s in bad_symbols for s in symbols), bool, len(symbols)) if bad_symbols \
        else np.zeros(len(rows), dtype=bool)  # fmt: skip
    epoch, unsettled = _timestamps(ts_col)
    price, bad_price = _amounts(price_col, required=True, limit=MAX_PRICE_USD)
    cap, bad_cap = _amounts(cap_col, required=False, limit=MAX_CAP_OR_VOLUME_USD)
    volume, bad_vol = _amounts(vol_col, required=False, limit=MAX_CAP_OR_VOLUME_USD)
    bad |= bad_price | bad_cap | bad_vol
    # Rows of an unusual timestamp shape: the reference rules take them one by one.
    for i in np.flatnonzero(unsettled & ~bad).tolist():
        try:
            epoch[i] = timestamp_parse(ts_col[i])
        except ValueError:
            bad[i] = True
    if bad.any():
        first = int(np.argmax(bad))
        row_parse(lines[first], rows[first])  # raises with the reason
        raise AssertionError(f"line {lines[first]} refused in bulk but not by the row rules")
    return ParsedCsv(np.array(lines, np.int64), symbols, epoch, price, cap, volume)
