"""A token page replayed at a past hour (?at=) with 90 days of hourly history behind it:
uncached (the metrics computed over the history up to that hour) and cached, against the
same page without ``at`` (materialised metrics) measured in the same run. In-process
(Django's test client, page cache off), so the figures are the server's own time."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client

from bench.common import (
    END_TS,
    HOUR,
    REPS,
    Result,
    best_of,
    history_load,
    in_process_site,
    lists_create,
    tokens_create,
)
from markets.services.metrics import metrics_recompute

TOKENS, HOURS = 100, 120 * 24  # 120 days: a past hour still has 90 full days behind it
SYMBOL = "T0001"
LIMIT = 0.150  # seconds, uncached


def _at(hours_back: int) -> str:
    return datetime.fromtimestamp(END_TS - hours_back * HOUR, UTC).strftime("%Y-%m-%dT%H:%MZ")


def run() -> Result:
    ids = tokens_create(TOKENS)
    lists_create(ids, {"all": TOKENS})
    rows = len(history_load(ids, HOURS))
    metrics_recompute(token_ids=ids)
    print(f"replay: token page of {SYMBOL} ({TOKENS} tokens x {HOURS:,} h = {rows:,} snapshots),"
          f" best of {REPS}, interleaved")  # fmt: skip
    client = Client()
    fresh = iter(range(24 * 10, 24 * 20))  # a new hour on every uncached run: no cache hit
    cached_at = _at(24 * 5)

    def get(path: str) -> None:
        response = client.get(path, secure=True)  # production settings redirect to https
        assert response.status_code == 200, (path, response.status_code)

    def live() -> None:
        get(f"/tokens/{SYMBOL}/")

    def uncached() -> None:
        get(f"/tokens/{SYMBOL}/?at={_at(next(fresh))}")

    def cached() -> None:
        get(f"/tokens/{SYMBOL}/?at={cached_at}")

    def dashboard() -> None:  # for information: 100 members replayed, uncached
        get(f"/?at={_at(next(fresh))}")

    with in_process_site():
        live(), uncached(), cached()  # warm: templates, connections, the cached hour
        t_live, t_uncached, t_cached, t_dash = best_of(live, uncached, cached, dashboard)
    passed = t_uncached < LIMIT
    print(f"  token page now (materialised)  {t_live * 1000:7.1f} ms  (baseline)")
    print(f"  token page at a past hour      {t_uncached * 1000:7.1f} ms  uncached,"
          f" ratio {t_uncached / t_live:.2f}, target < {LIMIT * 1000:g} ms"
          f" {'PASS' if passed else 'FAIL'}")  # fmt: skip
    print(f"  token page at a past hour      {t_cached * 1000:7.1f} ms  cached,"
          f" ratio {t_cached / t_live:.2f}")  # fmt: skip
    print(f"  dashboard at a past hour       {t_dash * 1000:7.1f} ms  uncached,"
          f" {TOKENS} members (for information)")  # fmt: skip
    return Result("replay", t_uncached, t_live, f"< {LIMIT * 1000:g} ms", passed)
