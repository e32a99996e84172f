"""A refresh cycle at the default cadence (a quote every 5 minutes, 95 days kept raw), with
the metrics reading day summaries against the same cycle reading every snapshot."""

from __future__ import annotations

import time
from contextlib import contextmanager
from unittest import mock

from bench.common import (
    END_TS,
    Result,
    best_of,
    copy_in,
    copy_payload,
    history_columns,
    lists_create,
    sql,
    tokens_create,
)
from bench.refresh import StubProvider
from markets.models import RefreshRun, Snapshot, SnapshotDaySummary
from markets.services import metrics
from markets.services.day_summary import day_summaries_build
from markets.services.ingest import QuoteColumns
from markets.services.refresh import prices_refresh

TOKENS, STEP, DAYS = 100, 300, 95


def history(ids: list[int]) -> QuoteColumns:
    steps = DAYS * 86_400 // STEP
    cols = history_columns(ids, steps)
    ts = END_TS - (END_TS - cols.ts) // 3_600 * STEP  # the hourly walk at 5-minute steps
    return QuoteColumns(cols.token_id, ts, cols.price_usd, cols.market_cap_usd,
                        cols.volume_24h_usd)  # fmt: skip


@contextmanager
def every_snapshot_read():
    """The previous read: every quote of each window, no summaries built or used."""

    def load(token_ids, until=None, full=()):
        return metrics._load_columns_postgresql(token_ids, until)

    with mock.patch.object(metrics, "_load_columns", load), \
         mock.patch.object(metrics, "day_summaries_build", lambda **kw: 0):  # fmt: skip
        yield


def run() -> Result:
    ids = tokens_create(TOKENS)
    lists_create(ids, {"all": TOKENS, "top-20": 20})
    cols = history(ids)
    copy_in(copy_payload(cols))
    sql(f"ANALYZE {Snapshot._meta.db_table}")
    print(f"day_summary: {TOKENS} tokens, a quote every {STEP // 60} min over {DAYS} days"
          f" ({len(cols):,} snapshots), best of 3, interleaved")  # fmt: skip
    started, built = time.perf_counter(), 0
    while n := day_summaries_build(token_ids=ids):
        built += n
    print(f"  first build: {built:,} day summaries in {time.perf_counter() - started:.2f} s"
          f" ({SnapshotDaySummary.objects.count():,} stored)")  # fmt: skip
    provider = StubProvider(cols)

    def summaries() -> None:
        assert prices_refresh(provider=provider).status == RefreshRun.Status.OK

    def every_snapshot() -> None:
        with every_snapshot_read():
            assert prices_refresh(provider=provider).status == RefreshRun.Status.OK

    measured, baseline = best_of(summaries, every_snapshot)
    print(f"  refresh cycle {measured:.3f} s with summaries, {baseline:.3f} s reading every"
          f" snapshot, ratio {measured / baseline:.2f}")  # fmt: skip
    return Result("day_summ", measured, baseline, "< 0.5x", measured < 0.5 * baseline)
