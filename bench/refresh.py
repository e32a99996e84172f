"""One refresh cycle (fetch stub, ingest, metric recompute) of 1,000 tokens with history."""

from __future__ import annotations

from itertools import count

import numpy as np

from bench.common import (
    END_TS,
    HOUR,
    REPS,
    SOURCE,
    Result,
    best_of,
    copy_in,
    copy_out,
    copy_payload,
    history_load,
    lists_create,
    sql,
    tokens_create,
)
from markets.models import RefreshRun, Snapshot
from markets.providers.base import ProviderResult, Quote
from markets.services.ingest import QuoteColumns
from markets.services.metrics import metrics_recompute
from markets.services.refresh import prices_refresh

TOKENS, HOURS, TARGET_SECONDS = 1_000, 1_000, 1.0
LISTS = {"all": TOKENS, "top-50": 50, "top-20": 20, "top-5": 5}


def next_quotes(history: QuoteColumns, hour: int) -> QuoteColumns:
    """Each token's last quote moved ``hour`` hours past the history, price up 0.1 %."""
    last = history.take(np.r_[history.token_id[1:] != history.token_id[:-1], True])
    ts = np.full(len(last), END_TS + HOUR * hour, dtype=np.int64)
    return QuoteColumns(last.token_id, ts, last.price_usd * 1.001, last.market_cap_usd * 1.001,
                        last.volume_24h_usd)  # fmt: skip


class StubProvider:
    """Answers every fetch_latest with one new quote per token, one hour after the last call."""

    name = SOURCE

    def __init__(self, history: QuoteColumns) -> None:
        self.history, self.hours = history, count(1)

    def fetch_latest(self, tokens) -> ProviderResult:
        cols = next_quotes(self.history, next(self.hours))
        wanted = {t.id for t in tokens}
        fields = (getattr(cols, f).tolist() for f in QuoteColumns.__dataclass_fields__)
        rows = zip(*fields, strict=True)
        return ProviderResult(quotes=[Quote(*row) for row in rows if row[0] in wanted])

    def fetch_history(self, token, *, start: int, end: int) -> ProviderResult:
        raise NotImplementedError


def run() -> Result:
    ids = tokens_create(TOKENS)
    lists_create(ids, LISTS)
    history = history_load(ids, HOURS)
    print(f"refresh: {TOKENS:,} tokens with {HOURS:,} h of history ({len(history):,} snapshots),"
          f" lists {LISTS}, best of {REPS}, interleaved")  # fmt: skip
    metrics_recompute()  # steady state: every token already has metrics
    provider, raw_hours = StubProvider(history), count(1)

    def refresh() -> None:
        run = prices_refresh(provider=provider)
        assert run.status == RefreshRun.Status.OK and run.quotes_stored == TOKENS, run

    def raw_parts() -> None:
        # COPY the same 1,000 new rows in (own source, so no clash), then COPY out (binary)
        # every history row the recompute reads: all of them, as 1,000 h < 90 days.
        copy_in(copy_payload(next_quotes(history, next(raw_hours)), "raw"))
        copy_out()

    measured, baseline = best_of(refresh, raw_parts)
    sql(f"DELETE FROM {Snapshot._meta.db_table} WHERE source = 'raw'")
    print(f"  refresh cycle {measured:.3f} s, raw COPY in + out {baseline:.3f} s,"
          f" ratio {measured / baseline:.2f}")  # fmt: skip
    return Result("refresh", measured, baseline, f"< {TARGET_SECONDS:g} s",
                  measured < TARGET_SECONDS)  # fmt: skip
