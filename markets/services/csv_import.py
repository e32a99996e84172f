"""CSV price import: the whole file is checked first and stored atomically, or not at all."""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from markets.models import RefreshRun, Token
from markets.providers.base import MAX_CAP_OR_VOLUME_USD, MAX_EPOCH, MAX_PRICE_USD, MIN_EPOCH, Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import derived_refresh
from markets.services.refresh import run_record_finished

HEADER = ["symbol", "timestamp", "price_usd", "market_cap_usd", "volume_24h_usd"]
SYMBOL_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,19}$")


class CsvImportError(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


@dataclass(frozen=True)
class ImportResult:
    rows: int
    stored: int
    tokens_created: list[str]
    token_ids: frozenset[int]


@dataclass(frozen=True)
class _Row:
    line: int
    symbol: str
    ts: int
    price: float
    cap: float | None
    volume: float | None


def _timestamp(raw: str) -> int:
    text = raw.strip()
    if not re.search(r"(Z|[+-]\d{2}:?\d{2})$", text):
        raise ValueError(f"timestamp {raw!r} needs a time zone (Z or an offset such as +01:00)")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"timestamp {raw!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {raw!r} needs a time zone")
    epoch = int(moment.timestamp())
    if not MIN_EPOCH <= epoch < MAX_EPOCH:
        raise ValueError(f"timestamp {raw!r} is out of range (2009 to 2099)")
    return epoch


def _amount(raw: str, name: str, *, required: bool, limit: float) -> float | None:
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


def _row_parse(line: int, cells: list[str]) -> _Row:
    if len(cells) != len(HEADER):
        raise CsvImportError(line, f"expected {len(HEADER)} columns, found {len(cells)}")
    symbol = cells[0].strip().upper()
    try:
        if not SYMBOL_RE.match(symbol):
            raise ValueError(f"symbol {cells[0]!r} is not a token symbol")
        return _Row(
            line, symbol, _timestamp(cells[1]),
            _amount(cells[2], "price_usd", required=True, limit=MAX_PRICE_USD),
            _amount(cells[3], "market_cap_usd", required=False, limit=MAX_CAP_OR_VOLUME_USD),
            _amount(cells[4], "volume_24h_usd", required=False, limit=MAX_CAP_OR_VOLUME_USD),
        )  # fmt: skip
    except ValueError as exc:
        raise CsvImportError(line, str(exc)) from None


def csv_rows_parse(text: str) -> list[_Row]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise CsvImportError(1, "the file is empty")
    if [h.strip().lower() for h in header] != HEADER:
        raise CsvImportError(1, f"the header must be {','.join(HEADER)}")
    rows = [_row_parse(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    if not rows:
        raise CsvImportError(2, "the file has a header but no rows")
    return rows


def prices_import_csv(
    *, text: str, source: str = "csv", create_tokens: bool = False
) -> ImportResult:
    """Import a price CSV (DESIGN.md format). Raises CsvImportError; stores nothing then."""
    rows = csv_rows_parse(text)
    symbols = sorted({row.symbol for row in rows})
    with transaction.atomic():
        known = dict(Token.objects.filter(symbol__in=symbols).values_list("symbol", "pk"))
        missing = [s for s in symbols if s not in known]
        if missing and not create_tokens:
            first = next(row for row in rows if row.symbol in missing)
            raise CsvImportError(
                first.line, f"unknown symbol {first.symbol} (use --create-tokens to add it)"
            )
        created = Token.objects.bulk_create([Token(symbol=s, name=s) for s in missing])
        known.update({t.symbol: t.pk for t in created})
        quotes = [Quote(known[r.symbol], r.ts, r.price, r.cap, r.volume) for r in rows]
        result = snapshot_ingest(quotes=quotes, source=source)
        derived_refresh(ingested=result)
        run_record_finished(
            provider=source, kind=RefreshRun.Kind.IMPORT, tokens=len(symbols),
            stored=result.stored,
        )  # fmt: skip
    return ImportResult(len(rows), result.stored, missing, result.token_ids)
