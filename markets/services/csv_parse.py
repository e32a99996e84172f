"""Parse and validate a price CSV in bulk, with the line number and reason of the first bad row.

Whole columns are checked with numpy. Whenever the bulk path finds something wrong, or meets a
row it does not recognise, the row-by-row rules (``row_parse``) decide: they are the
reference, and they name the first bad line exactly as before.
"""

from __future__ import annotations

import csv
import gc
import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from core.times import utc_designator_upper
from markets.providers.base import (
    MAX_CAP_OR_VOLUME_USD,
    MAX_EPOCH,
    MAX_PRICE_USD,
    MIN_AMOUNT_USD,
    MIN_EPOCH,
)
from markets.symbols import symbol_is_valid, symbol_lookup_key

HEADER = ["symbol", "timestamp", "price_usd", "market_cap_usd", "volume_24h_usd"]
# RFC 3339 allows "z"; ISO 8601 (and PostgreSQL's text output) writes whole hours as "+05".
ZONE_RE = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$", re.IGNORECASE)
# What an ISO 8601 time is written with. datetime.fromisoformat() takes any character between
# the date and the time ("2026-02-06x09:00:00Z", a NUL, a tab): the rules do not.
TIMESTAMP_CHARS_RE = re.compile(r"[0-9TtWZz:.,+\- ]+")


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

_SHOWN_CHARS = 40


def _shown(raw: str) -> str:
    """A cell as quoted in a message: never the whole of a huge cell."""
    return repr(raw if len(raw) <= _SHOWN_CHARS else raw[:_SHOWN_CHARS] + "…")


def timestamp_parse(raw: str) -> int:
    text = raw.strip()
    if not TIMESTAMP_CHARS_RE.fullmatch(text):
        raise ValueError(f"timestamp {_shown(raw)} is not ISO 8601")
    if not ZONE_RE.search(text):
        raise ValueError(
            f"timestamp {_shown(raw)} needs a time zone (Z or an offset such as +01:00)"
        )
    text = utc_designator_upper(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"timestamp {_shown(raw)} is not ISO 8601") from None
    if moment.tzinfo is None:  # a date alone ends like an offset: "2026-02-06"
        raise ValueError(
            f"timestamp {_shown(raw)} needs a time zone (Z or an offset such as +01:00)"
        )
    epoch = math.floor(moment.timestamp())
    if not MIN_EPOCH <= epoch < MAX_EPOCH:
        raise ValueError(f"timestamp {_shown(raw)} is out of range (1990 to 2099)")
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
        raise ValueError(f"{name} {_shown(raw)} is not a number") from None
    if "_" in text or not text.isascii():  # float() also reads "1_000" and other scripts' digits
        raise ValueError(f"{name} {_shown(raw)} is not a number")
    if not math.isfinite(value):
        raise ValueError(f"{name} {_shown(raw)} is not a finite number")
    if value < 0 or (required and value == 0):
        raise ValueError(
            f"{name} {_shown(raw)} must be {'positive' if required else 'zero or more'}"
        )
    if value > limit:
        raise ValueError(f"{name} {_shown(raw)} is absurdly large")
    if 0 < value < MIN_AMOUNT_USD:
        raise ValueError(f"{name} {_shown(raw)} is absurdly small")
    return value


def row_parse(line: int, cells: list[str]) -> tuple[str, int, float, float | None, float | None]:
    if len(cells) != len(HEADER):
        raise CsvImportError(line, f"expected {len(HEADER)} columns, found {len(cells)}")
    symbol = symbol_lookup_key(cells[0])
    try:
        if not symbol_is_valid(symbol):
            raise ValueError(f"symbol {_shown(cells[0])} is not a token symbol")
        return (
            symbol, timestamp_parse(cells[1]),
            amount_parse(cells[2], "price_usd", required=True, limit=MAX_PRICE_USD),
            amount_parse(cells[3], "market_cap_usd", required=False, limit=MAX_CAP_OR_VOLUME_USD),
            amount_parse(cells[4], "volume_24h_usd", required=False, limit=MAX_CAP_OR_VOLUME_USD),
        )  # fmt: skip
    except ValueError as exc:
        raise CsvImportError(line, str(exc)) from None


_ARCHIVES = [
    (b"\x1f\x8b", "the file is compressed with gzip: decompress it first (gunzip FILE)"),
    (b"PK\x03\x04", "the file is a ZIP archive (an Excel workbook?): save it as CSV (UTF-8)"),
]


def csv_decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without a byte-order mark), or UTF-16 when it
    starts with its byte-order mark (Excel's "Unicode" exports). CsvImportError names the
    line of the first byte that is not UTF-8; a compressed file is named as such."""
    for magic, reason in _ARCHIVES:
        if data.startswith(magic):
            raise CsvImportError(1, reason)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CsvImportError(1, "the file starts as UTF-16 but is not UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        reason = (
            f"byte 0x{data[exc.start]:02X} (character {column}) is not UTF-8; "
            "save the file as UTF-8"
        )
        raise CsvImportError(line, reason) from None


# --- Splitting the file into columns -------------------------------------------------------


@contextmanager
def _no_gc() -> Iterator[None]:
    """Millions of small strings and no cycles: the cyclic collector only costs time here."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _header_check(header: list[str] | None) -> None:
    if header is None:
        raise CsvImportError(1, "the file is empty")
    if [h.strip().lower() for h in header] != HEADER:
        raise CsvImportError(1, f"the header must be {','.join(HEADER)}")


def _plain_body(text: str) -> bytes | None:
    """The rows of a file without quoting whose every row has exactly five cells, as UTF-8
    (header checked and removed, CRLF as LF, no final newline); None for any other file."""
    if '"' in text or "\ufeff" in text:  # Arrow would drop a byte-order mark on line 2
        return None
    if "\r" in text:
        if "\r" in text.replace("\r\n", ""):
            return None
        text = text.replace("\r\n", "\n")
    first_end = text.find("\n")
    _header_check(text[: len(text) if first_end < 0 else first_end].split(",") if text else None)
    body = text[first_end + 1 :].encode() if first_end >= 0 else b""
    if body.endswith(b"\n"):
        body = body[:-1]
    if not body:
        return None
    raw = np.frombuffer(body, np.uint8)
    ends = np.r_[np.flatnonzero(raw == 10), len(raw)]
    commas = np.searchsorted(np.flatnonzero(raw == 44), ends)
    if not (np.diff(np.r_[0, commas]) == len(HEADER) - 1).all():
        return None  # blank lines or rows of another width: the csv module decides
    return body


def _columns_plain(body: bytes) -> tuple[np.ndarray, list[list[str]]]:
    """The cells of a plain body (see _plain_body) as five lists of strings."""
    cells = body.decode().replace("\n", ",").split(",")
    width = len(HEADER)
    rows = len(cells) // width
    return np.arange(2, rows + 2, dtype=np.int64), [cells[i::width] for i in range(width)]


def _columns_csv(text: str) -> tuple[np.ndarray, list[list[str]]]:
    """Any CSV: the csv module splits rows (quotes, blank lines), checked row by row."""
    reader = csv.reader(io.StringIO(text))
    start, numbered = 1, []  # a row is named by the line it starts on (quotes may span lines)
    try:
        _header_check(next(reader, None))
        start = reader.line_num + 1
        for cells in reader:
            numbered.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:  # e.g. a cell longer than the csv module's limit
        if "new-line character seen in unquoted field" in str(exc):  # a line end of "\r"
            raise CsvImportError(
                start,
                "lines end with a lone carriage return (CR); save the file with LF or CRLF "
                "line ends",
            ) from None
        raise CsvImportError(start, f"the row cannot be read as CSV ({exc})") from None
    numbered = [(n, cells) for n, cells in numbered if "".join(cells).strip()]
    if not numbered:
        raise CsvImportError(2, "the file has a header but no rows")
    for n, cells in numbered:
        if len(cells) != len(HEADER):
            row_parse(n, cells)  # raises: wrong number of columns
    lines = np.array([n for n, _ in numbered], dtype=np.int64)
    return lines, [list(c) for c in zip(*(cells for _, cells in numbered), strict=True)]


def _blank_rows_drop(lines: np.ndarray, columns: list[list[str]]):
    """Drop rows whose every cell is blank (",,,,"), as the csv path skips them."""
    blank_symbols = {s for s in set(columns[0]) if not s.strip()}
    if not blank_symbols:
        return lines, columns
    rows = zip(*columns, strict=True)
    keep = np.array(
        [not (s in blank_symbols and not "".join(row).strip()) for s, *row in rows], dtype=bool
    )
    if keep.all():
        return lines, columns
    if not keep.any():
        raise CsvImportError(2, "the file has a header but no rows")
    index = np.flatnonzero(keep).tolist()
    return lines[keep], [[column[i] for i in index] for column in columns]


# --- Bulk checks ----------------------------------------------------------------------------


def _amounts(column: list[str], *, required: bool, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """(values with NaN for empty cells, mask of cells the rules would refuse)."""
    try:  # the common case: every cell a number
        values = np.fromiter(map(float, column), np.float64, len(column))
        empty = np.zeros(len(column), dtype=bool)
        unparsed = empty
    except ValueError:  # empty cells, spaces or a cell that is not a number: cell by cell
        empty = np.array([not c.strip() for c in column], dtype=bool)
        values = np.array([_float_or_nan(c) for c in column], dtype=np.float64)
        unparsed = np.array([_not_float(c) for c in column], dtype=bool)
    joined = "".join(column)
    if "_" in joined or not joined.isascii():  # cells float() reads but the rules refuse
        unparsed = unparsed | np.array([("_" in c) or not c.isascii() for c in column])
    with np.errstate(invalid="ignore"):
        bad = unparsed | (~empty & ~np.isfinite(values)) | (values < 0) | (values > limit)
        bad |= (values > 0) & (values < MIN_AMOUNT_USD)
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
    YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM|±HH); other shapes go to the row-by-row rules."""
    cells = np.array(column, dtype=np.str_)
    n, width = len(cells), max(cells.dtype.itemsize // 4, 1)
    chars = cells.view(np.uint32).reshape(n, width).clip(max=255).astype(np.int16)
    length = np.char.str_len(cells)
    epoch, unsettled = timestamps_of_chars(chars, length)
    # numpy's strings drop trailing NULs ("…Z\x00" reads as "…Z"): such cells go to the rules.
    unsettled |= length != np.fromiter(map(len, column), np.int64, n)
    return epoch, unsettled


def timestamps_of_chars(chars: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """_timestamps on a (cells x width) matrix of character codes, zero past each length."""
    n, width = chars.shape
    if width < 20:
        return np.zeros(n, np.int64), np.ones(n, dtype=bool)
    rows = np.arange(n)

    def at(pos):
        return chars[rows, np.clip(pos, 0, width - 1)]

    digit = (chars >= 48) & (chars <= 57)
    value = chars - 48
    ok = digit[:, _DIGITS].all(axis=1) & (length >= 20)
    ok &= (chars[:, 4] == 45) & (chars[:, 7] == 45) & (chars[:, 13] == 58) & (chars[:, 16] == 58)
    ok &= (chars[:, 10] == 84) | (chars[:, 10] == 32)  # "T" or " "
    # The zone: "Z", "+HH:MM", "+HHMM" or "+HH" at the end (before "+HH" come seconds or
    # fraction digits, never a sign or a colon: the shapes cannot be confused).
    zulu = (at(length - 1) == 90) | (at(length - 1) == 122)  # "Z" or "z"
    colon = ~zulu & (at(length - 3) == 58) & np.isin(at(length - 6), (43, 45))
    plain = ~zulu & ~colon & np.isin(at(length - 5), (43, 45))
    hours = ~zulu & ~colon & ~plain & np.isin(at(length - 3), (43, 45))
    body_end = np.select([zulu, colon, plain], [length - 1, length - 6, length - 5], length - 3)
    ok &= zulu | colon | plain | hours
    sign = np.where(at(body_end) == 45, -1, 1)
    hh, mm = body_end + 1, np.where(colon, body_end + 4, body_end + 3)

    def pick(table, pos):
        return table[rows, np.clip(pos, 0, width - 1)]

    minutes_digits = hours | (pick(digit, mm) & pick(digit, mm + 1))
    zone_digits = pick(digit, hh) & pick(digit, hh + 1) & minutes_digits
    ok &= zulu | zone_digits
    # int64 before multiplying: 10 hours is 36,000 seconds, past int16.
    zone_h = pick(value, hh).astype(np.int64) * 10 + pick(value, hh + 1)
    zone_m = np.where(hours, 0, pick(value, mm).astype(np.int64) * 10 + pick(value, mm + 1))
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


# --- The fast path: a clean plain file read by Arrow ---------------------------------------

_ARROW_READ = pa_csv.ReadOptions(column_names=HEADER, use_threads=True)
_ARROW_PARSE = pa_csv.ParseOptions(quote_char=False, newlines_in_values=False)
_ARROW_TYPES = pa_csv.ConvertOptions(
    column_types=dict.fromkeys(HEADER, pa.string()), strings_can_be_null=False
)
_MAX_TIMESTAMP_WIDTH = 40


def csv_parse_arrow(body: bytes) -> ParsedCsv | None:
    """A plain body (see _plain_body) read and checked in bulk by Arrow and numpy, when every
    row is valid and of the usual shapes; None otherwise (the general path then decides).

    Arrow converts numbers exactly as Python's float() (correctly rounded); it refuses some
    cells float() reads (" 12 ", "1_000"), which only sends the file to the general path.
    """
    table = pa_csv.read_csv(
        pa.py_buffer(body),
        read_options=_ARROW_READ,
        parse_options=_ARROW_PARSE,
        convert_options=_ARROW_TYPES,
    )
    sym_col, ts_col, price_col, cap_col, vol_col = (c.combine_chunks() for c in table.columns)
    symbols = _symbols_arrow(sym_col)
    epoch = _timestamps_arrow(ts_col)
    price = _amounts_arrow(price_col, required=True, limit=MAX_PRICE_USD)
    cap = _amounts_arrow(cap_col, required=False, limit=MAX_CAP_OR_VOLUME_USD)
    volume = _amounts_arrow(vol_col, required=False, limit=MAX_CAP_OR_VOLUME_USD)
    if symbols is None or epoch is None or price is None or cap is None or volume is None:
        return None
    lines = np.arange(2, len(epoch) + 2, dtype=np.int64)  # a plain body has no blank line
    return ParsedCsv(lines, symbols, epoch, price, cap, volume)


def _symbols_arrow(column: pa.Array) -> list[str] | None:
    encoded = column.dictionary_encode()
    normal = [symbol_lookup_key(raw) for raw in encoded.dictionary.to_pylist()]
    if not all(symbol_is_valid(symbol) for symbol in normal):
        return None
    return np.array(normal, dtype=object)[encoded.indices.to_numpy()].tolist()


def _timestamps_arrow(column: pa.Array) -> np.ndarray | None:
    """Epoch seconds of cells that _timestamps settles in bulk; None if one is not."""
    _, offsets, data = column.buffers()
    start = column.offset
    ends = np.frombuffer(offsets, np.int32, len(column) + 1, offset=start * 4).astype(np.int64)
    length = np.diff(ends)
    width = int(length.max())
    if width > _MAX_TIMESTAMP_WIDTH:
        return None
    raw = np.frombuffer(data, np.uint8)
    if (length == width).all():  # one shape, as most files: the cells are already a matrix
        chars = raw[ends[0] : ends[-1]].reshape(len(length), width).astype(np.int16)
    else:
        at = ends[:-1, None] + np.arange(width)
        chars = raw[np.minimum(at, len(raw) - 1)].astype(np.int16)
        chars[np.arange(width) >= length[:, None]] = 0
    epoch, unsettled = timestamps_of_chars(chars, length)
    return None if unsettled.any() else epoch


def _amounts_arrow(column: pa.Array, *, required: bool, limit: float) -> np.ndarray | None:
    """Values (NaN for an empty optional cell); None if a cell is not a valid amount."""
    empty = pc.equal(column, "")
    if required and pc.any(empty).as_py():
        return None
    try:
        numbers = pc.cast(pc.if_else(empty, pa.scalar(None, pa.string()), column), pa.float64())
    except pa.ArrowInvalid:
        return None
    values = numbers.to_numpy(zero_copy_only=False).copy()  # writable, as on the other path
    blank = empty.to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        bad = (~blank & ~np.isfinite(values)) | (values < 0) | (values > limit)
        bad |= (values > 0) & (values < MIN_AMOUNT_USD)
        if required:
            bad |= values == 0
    return None if bad.any() else values


def csv_parse(text: str) -> ParsedCsv:
    """Every row of the file, checked; CsvImportError names the first bad line otherwise."""
    with _no_gc():
        return _csv_parse(text)


def _csv_parse(text: str) -> ParsedCsv:
    body = _plain_body(text)
    if body is not None and (parsed := csv_parse_arrow(body)) is not None:
        return parsed
    lines, columns = _blank_rows_drop(*_columns_plain(body)) if body else _columns_csv(text)
    sym_col, ts_col, price_col, cap_col, vol_col = columns
    normal = {raw: symbol_lookup_key(raw) for raw in set(sym_col)}
    symbols = [normal[raw] for raw in sym_col]
    bad_symbols = {raw for raw, sym in normal.items() if not symbol_is_valid(sym)}
    bad = np.fromiter((s in bad_symbols for s in sym_col), bool, len(sym_col)) if bad_symbols \
        else np.zeros(len(sym_col), dtype=bool)  # fmt: skip
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
        row_parse(int(lines[first]), [column[first] for column in columns])  # raises
        raise AssertionError(f"line {lines[first]} refused in bulk but not by the row rules")
    return ParsedCsv(lines, symbols, epoch, price, cap, volume)
