"""1,000 tokens x 1,000 hourly quotes through snapshot_ingest vs a raw binary COPY."""

from __future__ import annotations

from bench.common import (
    REPS,
    SOURCE,
    Result,
    best_of,
    copy_in,
    copy_payload,
    history_columns,
    sql,
    tokens_create,
)
from markets.models import Snapshot
from markets.services.ingest import snapshot_ingest

TOKENS, HOURS, TARGET = 1_000, 1_000, 2.0


def run() -> Result:
    cols = history_columns(tokens_create(TOKENS), HOURS)
    rows = len(cols)
    print(f"ingest: {rows:,} snapshots into an empty table, best of {REPS}, interleaved")

    def empty() -> None:
        sql(f"TRUNCATE {Snapshot._meta.db_table}")
        sql("CHECKPOINT")

    def ingest() -> None:
        assert snapshot_ingest(quotes=cols, source=SOURCE).stored == rows

    def raw_copy() -> None:
        # Binary stream built from the same numpy columns, inside the timing; same table,
        # indexes and constraints (including the deferred foreign-key check).
        copy_in(copy_payload(cols))

    measured, baseline = best_of(ingest, raw_copy, prepare=empty)
    assert Snapshot.objects.count() == rows  # what the last (raw COPY) run stored
    ratio = measured / baseline
    print(f"  ingest {measured:.3f} s ({rows / measured:,.0f} rows/s),"
          f" raw COPY {baseline:.3f} s ({rows / baseline:,.0f} rows/s),"
          f" ratio {ratio:.2f}")  # fmt: skip
    return Result("ingest", measured, baseline, f"ratio <= {TARGET:g}", ratio <= TARGET)
