"""Full metric recompute of 1,000 tokens x 90 days hourly vs a raw COPY out of those rows."""

from __future__ import annotations

from bench.common import (
    REPS,
    Result,
    best_of,
    copy_out,
    history_load,
    lists_create,
    tokens_create,
)
from markets.models import ListMetrics, TokenMetrics
from markets.services.metrics import metrics_recompute

TOKENS, HOURS, TARGET = 1_000, 2_160, 3.0
LISTS = {"all": TOKENS, "top-100": 100, "top-10": 10}


def run() -> Result:
    ids = tokens_create(TOKENS)
    lists_create(ids, LISTS)
    rows = len(history_load(ids, HOURS))
    print(f"recompute: {TOKENS:,} tokens x {HOURS:,} h = {rows:,} snapshots, lists {LISTS},"
          f" best of {REPS}, interleaved")  # fmt: skip

    def recompute() -> None:
        assert metrics_recompute(token_ids=ids) == TOKENS

    def raw_copy_out() -> None:
        copy_out()  # every row, binary format, all bytes consumed

    measured, baseline = best_of(recompute, raw_copy_out)
    assert TokenMetrics.objects.count() == TOKENS and ListMetrics.objects.count() == len(LISTS)
    ratio = measured / baseline
    print(f"  metrics_recompute {measured:.3f} s, raw COPY out {baseline:.3f} s,"
          f" ratio {ratio:.2f}")  # fmt: skip
    return Result("recompute", measured, baseline, f"ratio <= {TARGET:g}", ratio <= TARGET)
