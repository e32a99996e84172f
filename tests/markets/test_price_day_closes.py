"""Hourly closes are also packed per token and UTC day, in step with ingest."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from markets.models import PriceDayCloses, PriceHourly
from markets.providers.base import Quote
from markets.services.hourly import price_day_closes_refresh
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import derived_refresh

pytestmark = pytest.mark.django_db
DAY = 1_770_163_200  # 2026-02-04 00:00 UTC


def store(token, points):
    derived_refresh(
        ingested=snapshot_ingest(
            quotes=[Quote(token.id, ts, price) for ts, price in points], source="test"
        )
    )


def unpacked(row: PriceDayCloses) -> list:
    return np.frombuffer(bytes(row.closes), dtype=">f8").tolist()


def test_a_day_holds_its_24_hourly_closes_with_nan_for_hours_without_price(tao):
    store(tao, [(DAY + 5 * 3600 + 60, 100.0), (DAY + 5 * 3600 + 120, 101.0),
                (DAY + 23 * 3600, 90.0), (DAY + 86_400 + 3600, 80.0)])  # fmt: skip
    rows = {r.day: r for r in PriceDayCloses.objects.filter(token=tao)}
    assert set(rows) == {date(2026, 2, 4), date(2026, 2, 5)}
    first = unpacked(rows[date(2026, 2, 4)])
    assert (first[5], first[23]) == (101.0, 90.0)  # the last price of each hour
    assert sum(not np.isnan(x) for x in first) == 2
    assert unpacked(rows[date(2026, 2, 5)])[1] == 80.0


def test_a_later_quote_repacks_only_its_day_and_repacking_changes_nothing(tao):
    store(tao, [(DAY + 3600, 10.0), (DAY + 86_400 + 3600, 20.0)])
    store(tao, [(DAY + 86_400 + 2 * 3600, 30.0)])
    price_day_closes_refresh(token_ids=[tao.id], since=DAY, until=DAY + 2 * 86_400 - 1)
    rows = {r.day: unpacked(r) for r in PriceDayCloses.objects.filter(token=tao)}
    assert rows[date(2026, 2, 4)][1] == 10.0
    assert rows[date(2026, 2, 5)][1:3] == [20.0, 30.0]
    assert PriceDayCloses.objects.count() == 2


def test_the_packed_days_hold_exactly_the_hourly_closes(tao):
    rng = np.random.default_rng(7)
    stamps = sorted(set(rng.integers(DAY - 3 * 86_400, DAY + 3 * 86_400, 200).tolist()))
    store(
        tao,
        [
            (int(ts), float(p))
            for ts, p in zip(stamps, rng.uniform(1, 100, len(stamps)), strict=True)
        ],
    )
    hourly = {
        int(h.timestamp()): c for h, c in PriceHourly.objects.values_list("hour", "close_usd")
    }
    packed = {}
    for row in PriceDayCloses.objects.all():
        start = int(np.datetime64(row.day, "s").astype(np.int64))
        for slot, close in enumerate(unpacked(row)):
            if not np.isnan(close):
                packed[start + slot * 3600] = close
    assert packed == hourly
