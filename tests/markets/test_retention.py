"""Compaction of old snapshots: hourly and daily rows, chart ranges, the command's words (a
large market compacted once: test_retention_market.py)."""

from datetime import UTC, datetime

import numpy as np
from django.core.management import call_command

from markets.metrics_math import DAY, HOUR
from markets.models import Snapshot, SnapshotCompact
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.retention import snapshots_compact
from tests.factories import TokenFactory

NOW = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)
T = int(NOW.timestamp())


def history(token, *, days: int, end: int = T, step: int = 15 * 60, seed: int = 1, ath=None):
    rng = np.random.default_rng(seed)
    ts = np.arange(end - days * DAY, end + 1, step, dtype=np.int64)
    price = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(ts))))
    if ath is not None:  # a spike long ago, reached twice in a row (the first time counts)
        price[ath : ath + 2] = price.max() * 3
    cap = np.where(rng.random(len(ts)) < 0.1, np.nan, price * 1e7)
    snapshot_ingest(
        quotes=QuoteColumns(np.full(len(ts), token.id, np.int64), ts, price, cap, cap / 20),
        source="test",
    )
    return ts, price


def test_hourly_rows_hold_open_high_low_close_last_cap_and_volume(btc):
    base = T - 200 * DAY - T % HOUR
    quotes = [(base + 60, 10.0, 1.0), (base + 600, 14.0, None), (base + 1200, 14.0, 3.0),
              (base + 1800, 9.0, 4.0), (base + 3000, 11.0, None), (T, 12.0, 5.0)]  # fmt: skip
    snapshot_ingest(
        quotes=QuoteColumns(
            np.full(6, btc.id, np.int64), np.array([q[0] for q in quotes]),
            np.array([q[1] for q in quotes]),
            np.array([np.nan if q[2] is None else q[2] for q in quotes]), np.full(6, np.nan),
        ),
        source="test",
    )  # fmt: skip
    snapshots_compact(now=NOW)
    row = SnapshotCompact.objects.get(token=btc, interval="1h")
    assert row.bucket.timestamp() == base
    assert (row.open_usd, row.high_usd, row.low_usd, row.close_usd) == (10, 14, 9, 11)
    assert (row.open_at.timestamp(), row.high_at.timestamp()) == (base + 60, base + 600)
    assert row.close_at.timestamp() == base + 3000
    assert (row.market_cap_usd, row.volume_24h_usd, row.count) == (None, None, 5)


def test_the_command_compacts_with_the_configured_retention(tao, settings):
    # Its market is small: what is folded is checked on a large one in
    # test_retention_market.py; here the command must read the setting (150, not 100 days).
    history(tao, days=200, step=HOUR)
    settings.RAW_RETENTION_DAYS = 150
    call_command("compact_snapshots", stdout=__import__("io").StringIO())
    assert SnapshotCompact.objects.exists()
    assert T - Snapshot.objects.earliest("ts").ts.timestamp() == 150 * DAY


def test_the_chart_keeps_the_last_compacted_close_of_each_bucket_without_a_raw_one(db):
    from markets.charts import price_chart

    token = TokenFactory(symbol="TAO")
    start = T - 999_000  # 'all' spans 999,000 s: buckets of 1,000 s from the oldest close

    def folded(at: int, price: float) -> SnapshotCompact:
        moment = datetime.fromtimestamp(at, UTC)
        return SnapshotCompact(
            token=token, interval="1h", bucket=moment, open_usd=price, open_at=moment,
            high_usd=price, high_at=moment, low_usd=price, close_usd=price, close_at=moment,
            count=1,
        )  # fmt: skip

    # Bucket 0 holds two closes (the later one stays), bucket 1 one; the close in bucket 998
    # gives way to the raw snapshot in the same bucket.
    SnapshotCompact.objects.bulk_create(
        [folded(start, 1.0), folded(start + 400, 2.0), folded(start + 1_500, 3.0),
         folded(start + 998_100, 5.0)]
    )  # fmt: skip
    for at, price in ((T - 500, 10.0), (T, 11.0)):
        Snapshot.objects.create(
            token=token, ts=datetime.fromtimestamp(at, UTC), source="test", price_usd=price
        )

    chart = price_chart(token=token, range_key="all")

    assert chart["start"] == datetime.fromtimestamp(start, UTC).isoformat().replace("+00:00", "Z")
    assert chart["price"] == [[start + 400, 2.0], [start + 1_500, 3.0], [T - 500, 10.0],
                              [T, 11.0]]  # fmt: skip


def test_it_rewrites_only_the_hours_it_folds_not_other_tokens_rows(db):
    """A token folding hours that another token folded earlier: the summary counts that
    token's hourly rows alone, and the other token's rows are not written again."""
    first, second = TokenFactory(symbol="AAA"), TokenFactory(symbol="BBB")
    old = T - 200 * DAY
    for token in (first, second):
        history(token, days=2, end=old, step=HOUR)
    history(first, days=1, end=T, step=HOUR)  # AAA's old hours fold now, BBB's are its latest
    snapshots_compact(now=NOW)
    kept = dict(SnapshotCompact.objects.filter(token=first).values_list("bucket", "id"))
    assert len(kept) == 2 * 24 + 1
    history(second, days=1, end=T, step=HOUR)  # now BBB's same old hours fold too
    result = snapshots_compact(now=NOW)
    assert result.raw_folded == 2 * 24 + 1
    assert result.hourly_rows == 2 * 24 + 1  # BBB's, not AAA's as well
    assert dict(SnapshotCompact.objects.filter(token=first).values_list("bucket", "id")) == kept


def test_every_chart_range_starts_at_the_same_time_after_compaction(db):
    # The start was the first compacted close inside the range: the all-time chart of a token
    # quoted every 30 minutes started 30 minutes later once its first hour was folded.
    from markets.charts import RANGES, price_chart

    tao = TokenFactory(symbol="TAO")
    history(tao, days=400, step=30 * 60, seed=2)
    before = {key: price_chart(token=tao, range_key=key) for key in RANGES}
    snapshots_compact(now=NOW, raw_days=3, hourly_days=200)
    after = {key: price_chart(token=tao, range_key=key) for key in RANGES}

    assert SnapshotCompact.objects.filter(token=tao, interval="1d").exists()
    for key in RANGES:
        assert (after[key]["start"], after[key]["end"]) == (
            before[key]["start"], before[key]["end"]
        ), key  # fmt: skip


def test_a_range_beginning_on_a_day_without_quotes_starts_at_the_same_time_after_compaction(db):
    # Weekday closes at 21:00 up to a Monday: its year begins on a Sunday evening, and the
    # chart started at Monday's close once the days were folded.
    from markets.charts import price_chart

    equity = TokenFactory(symbol="EQA")
    monday = int(datetime(2026, 2, 2, 21, tzinfo=UTC).timestamp())
    ts = np.arange(monday - 600 * DAY, monday + 1, DAY, dtype=np.int64)
    ts = ts[[datetime.fromtimestamp(t, UTC).weekday() < 5 for t in ts]]
    price = np.linspace(10.0, 20.0, len(ts))
    snapshot_ingest(
        quotes=QuoteColumns(np.full(len(ts), equity.id, np.int64), ts, price, price, price),
        source="stooq",
    )
    before = price_chart(token=equity, range_key="1y")
    snapshots_compact(now=NOW, raw_days=100, hourly_days=200)
    after = price_chart(token=equity, range_key="1y")

    assert before["start"] == "2025-02-02T21:00:00Z"  # a Sunday: no quote
    assert SnapshotCompact.objects.filter(token=equity, interval="1d").exists()
    assert (after["start"], after["end"]) == (before["start"], before["end"])
    assert after["price"] == before["price"]


def test_the_command_counts_one_snapshot_and_one_row_in_the_singular(db, settings):
    # It said "1 snapshots folded into 1 hourly rows".
    import io

    from django.utils import translation

    token = TokenFactory(symbol="TAO")
    Snapshot.objects.create(token=token, ts=NOW, source="test", price_usd=1.0)
    Snapshot.objects.create(
        token=token, ts=datetime.fromtimestamp(T - 200 * DAY, UTC), source="test", price_usd=2.0
    )
    settings.RAW_RETENTION_DAYS, settings.HOURLY_RETENTION_DAYS = 100, 730
    out = io.StringIO()

    with translation.override("fr"):
        call_command("compact_snapshots", stdout=out)
    call_command("compact_snapshots", stdout=out)

    french, english = out.getvalue().splitlines()
    assert french == "1 relevé regroupé en 1 ligne horaire, 0 ligne horaire en 0 ligne journalière."
    assert english == "0 snapshots folded into 0 hourly rows, 0 hourly rows into 0 daily rows."
    out = io.StringIO()
    Snapshot.objects.create(
        token=token, ts=datetime.fromtimestamp(T - 300 * DAY, UTC), source="test", price_usd=3.0
    )
    call_command("compact_snapshots", stdout=out)
    assert (
        out.getvalue() == "1 snapshot folded into 1 hourly row, 0 hourly rows into 0 daily rows.\n"
    )
