"""Worst-case watchlist valuation: 500 held tokens x 120 days of hourly closes.

The measured call is the selector behind the watchlist page and API
(``watchlist_items_with_valuation``); the baseline, in the same run, is a raw binary COPY out
of the hourly closes it has to read. Target: under 200 ms.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from bench.common import END_TS, HOUR, REPS, Result, best_of, copy_out, history_load, tokens_create
from markets.models import PriceHourly
from markets.services.hourly import price_hourly_refresh
from markets.services.metrics import metrics_recompute
from watchlists.models import Lot, Watchlist, WatchlistItem
from watchlists.selectors import watchlist_items_with_valuation

TOKENS, HOURS, TARGET_SECONDS = 500, 120 * 24, 0.2


def _watchlist(token_ids: list[int]) -> Watchlist:
    user, _ = get_user_model().objects.get_or_create(username="bench-valuation")
    Watchlist.objects.filter(owner=user).delete()  # from an earlier run
    watchlist = Watchlist.objects.create(owner=user, name="Everything")
    items = WatchlistItem.objects.bulk_create(
        WatchlistItem(watchlist=watchlist, token_id=tid, position=i)
        for i, tid in enumerate(token_ids)
    )
    first_day = dt.datetime.fromtimestamp(END_TS - (HOURS - 1) * HOUR, dt.UTC).date()
    Lot.objects.bulk_create(  # two lots each: one at the start, one mid-way (during a fall)
        Lot(item=item, quantity=q, cost_basis_usd=1, purchased_at=first_day + dt.timedelta(d))
        for item in items
        for q, d in ((1, 0), (2, 60))
    )
    return watchlist


def run() -> Result:
    ids = tokens_create(TOKENS)
    history_load(ids, HOURS)
    price_hourly_refresh(token_ids=ids, since=END_TS - HOURS * HOUR, until=END_TS)
    metrics_recompute(token_ids=ids)
    watchlist = _watchlist(ids)
    rows = PriceHourly.objects.count()
    print(f"valuation: {TOKENS} items x {HOURS:,} hourly closes = {rows:,} rows,"
          f" best of {REPS}, interleaved")  # fmt: skip

    def valuation() -> None:
        valued = watchlist_items_with_valuation(watchlist=watchlist)
        assert len(valued.items) == TOKENS and len(valued.series) == HOURS

    def raw_copy_out() -> None:
        copy_out(f"COPY (SELECT token_id, hour, close_usd FROM {PriceHourly._meta.db_table})"
                 " TO STDOUT (FORMAT BINARY)")  # fmt: skip

    measured, baseline = best_of(valuation, raw_copy_out)
    print(f"  watchlist valuation {measured * 1000:.0f} ms, raw COPY out of the closes"
          f" {baseline * 1000:.0f} ms, ratio {measured / baseline:.2f}")  # fmt: skip
    return Result("valuation", measured, baseline, f"< {TARGET_SECONDS * 1000:.0f} ms",
                  measured < TARGET_SECONDS)  # fmt: skip
