"""CSV price import: the whole file is checked first and stored atomically, or not at all."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils.translation import ngettext

from markets.models import RefreshRun, Snapshot, Token
from markets.services.csv_parse import HEADER, CsvImportError, csv_decode, csv_parse
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.locks import market_data_lease
from markets.services.metrics import derived_refresh
from markets.services.refresh import run_record_finished

__all__ = ["HEADER", "CsvImportError", "ImportResult", "csv_decode", "prices_import_csv"]

# From this many stored rows, an import refreshes PostgreSQL's statistics of the snapshot table
# itself: autovacuum waits for 10 % of the table to change, and until then the history of a new
# token looks like about one row to the planner (the snapshots API's buckets of that token
# then ran as a nested loop over the whole range, quadratic in its rows).
ANALYZE_MIN_ROWS = 10_000


@dataclass(frozen=True)
class ImportResult:
    rows: int
    stored: int
    tokens_created: list[str]
    token_ids: frozenset[int]
    # Rows dropped because a later row of the file had the same symbol and second.
    superseded: int = 0
    # Rows not stored because retention had already compacted their hour or day.
    compacted: int = 0

    @property
    def superseded_note(self) -> str:
        """'1 row shared a timestamp …' / '3 rows shared …' (translated), or nothing."""
        if not self.superseded:
            return ""
        return ngettext(
            "%(count)d row shared a timestamp with a later row: the later one was kept",
            "%(count)d rows shared a timestamp with a later row: the later one was kept",
            self.superseded,
        ) % {"count": self.superseded}

    @property
    def compacted_note(self) -> str:
        """'1 row falls in hours already compacted …' / '3 rows fall …' (translated)."""
        if not self.compacted:
            return ""
        return ngettext(
            "%(count)d row falls in hours already compacted by retention: not stored "
            "(that history is final)",
            "%(count)d rows fall in hours already compacted by retention: not stored "
            "(that history is final)",
            self.compacted,
        ) % {"count": self.compacted}


def _superseded_count(symbol_codes: np.ndarray, ts: np.ndarray) -> int:
    keys = (symbol_codes.astype(np.int64) << 32) | ts  # epoch seconds < 2**32 until 2106
    if np.all(keys[:-1] < keys[1:]):
        return 0
    return len(ts) - len(np.unique(keys))


def prices_import_csv(
    *, text: str, source: str = "csv", create_tokens: bool = False
) -> ImportResult:
    """Import a price CSV (DESIGN.md format). Raises CsvImportError; stores nothing then.

    Several rows for one (symbol, second) keep the last one of the file; the result counts
    the others. The import holds the market-data lease, so it never overlaps a refresh.
    """
    parsed = csv_parse(text)
    names, codes = np.unique(np.array(parsed.symbols, dtype=np.str_), return_inverse=True)
    symbols = names.tolist()
    with market_data_lease(purpose="import"), transaction.atomic():
        known = dict(Token.objects.filter(symbol__in=symbols).values_list("symbol", "pk"))
        missing = [s for s in symbols if s not in known]
        if missing and not create_tokens:
            missing_codes = np.flatnonzero(np.isin(names, missing))
            first = int(np.argmax(np.isin(codes, missing_codes)))
            raise CsvImportError(
                int(parsed.lines[first]),
                f"unknown symbol {parsed.symbols[first]} (use --create-tokens to add it)",
            )
        created = Token.objects.bulk_create([Token(symbol=s, name=s) for s in missing])
        known.update({t.symbol: t.pk for t in created})
        ids = np.array([known[s] for s in symbols], dtype=np.int64)[codes]
        columns = QuoteColumns(ids, parsed.ts, parsed.price, parsed.cap, parsed.volume)
        result = snapshot_ingest(quotes=columns, source=source)  # the last row of a key wins
        if result.stored >= ANALYZE_MIN_ROWS and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # before the closes and metrics read them
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Snapshot._meta.db_table)}")
        if result.stored:  # nothing new or changed: closes and metrics are already right
            derived_refresh(ingested=result)
        run_record_finished(
            provider=source, kind=RefreshRun.Kind.IMPORT, tokens=len(symbols),
            stored=result.stored,
        )  # fmt: skip
    return ImportResult(
        len(parsed), result.stored, missing, result.token_ids,
        _superseded_count(codes, parsed.ts), result.compacted,
    )  # fmt: skip
