"""Two sources quoting one token at the same second: every reader keeps the same quote, the
one of the source last in name order (as compaction and the buckets always did)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from markets.charts import price_chart, sparklines
from markets.models import PriceHourly, SnapshotCompact, TokenMetrics
from markets.providers.base import Quote
from markets.selectors import snapshot_buckets
from markets.services.hourly import price_hourly_refresh
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from markets.services.replay import metrics_at
from markets.services.retention import snapshots_compact

HOUR = 3_600
DAY = 86_400
END = 1_770_364_800  # 2026-02-06 08:00 UTC


@pytest.fixture
def tied(tao):
    """Hourly history from "demo", and at the last hour a second quote from "aaa"."""
    demo = [Quote(tao.id, END - HOUR * h, 160.0 + h, 1e9, 1e6) for h in range(48)]
    snapshot_ingest(quotes=demo, source="demo")
    # Stored after "demo", so heap order alone would make it the last row of that second.
    snapshot_ingest(quotes=[Quote(tao.id, END, 100.0, 5e8, 1e5)], source="aaa")
    price_hourly_refresh(token_ids=[tao.id], since=END - 48 * HOUR, until=END)
    metrics_recompute(token_ids=[tao.id])
    return tao


def test_the_metrics_keep_the_quote_of_the_last_source_of_the_second(tied):
    metrics = TokenMetrics.objects.get(token=tied)

    assert (metrics.price_usd, metrics.market_cap_usd) == (160.0, 1e9)


def test_a_replay_of_that_hour_keeps_the_same_quote(tied):
    at = datetime.fromtimestamp(END, UTC)

    assert metrics_at(at=at, token_ids=[tied.id]).tokens[tied.id].price_usd == 160.0


def test_the_chart_ends_on_the_same_quote(tied):
    chart = price_chart(token=tied, range_key="24h")

    assert chart["price"][-1][1] == 160.0


def test_the_hourly_bucket_closes_on_the_same_quote(tied):
    at = datetime.fromtimestamp(END, UTC)
    buckets = list(snapshot_buckets(token=tied, since=at, until=at, interval="1h"))

    assert (buckets[-1]["close"], buckets[-1]["count"]) == (160.0, 1)


def test_the_hourly_close_is_the_same_quote(tied):
    hour = datetime.fromtimestamp(END, UTC)

    assert PriceHourly.objects.get(token=tied, hour=hour).close_usd == 160.0


def test_highs_lows_and_drawdowns_read_one_quote_per_instant(tao):
    # An hour ago "aaa" said 200 and "zzz" 100 for the same second; now "zzz" says 100.
    snapshot_ingest(quotes=[Quote(tao.id, END - HOUR, 200.0, 1e9, 1e6)], source="aaa")
    snapshot_ingest(
        quotes=[Quote(tao.id, END - HOUR, 100.0, 1e9, 1e6), Quote(tao.id, END, 100.0, 1e9, 1e6)],
        source="zzz",
    )
    metrics_recompute(token_ids=[tao.id])
    metrics = TokenMetrics.objects.get(token=tao)

    assert metrics.change_1h == 0.0
    assert (metrics.high_7d_usd, metrics.drawdown_7d, metrics.max_drawdown_30d) == (100.0, 0, 0)
    assert metrics.ath_usd == 200.0  # the ATH is the highest stored quote of any source


@pytest.fixture
def one_instant_two_sources(tao):
    """An hour holding one instant quoted by "aaa" (50 $) and "zzz" (198 $), a day after
    a quote of 100 $."""
    snapshot_ingest(quotes=[Quote(tao.id, END - 24 * HOUR, 100.0, 1e9, 1e6)], source="zzz")
    snapshot_ingest(quotes=[Quote(tao.id, END, 50.0, 5e8, 5e5)], source="aaa")
    snapshot_ingest(quotes=[Quote(tao.id, END, 198.0, 2e9, 2e6)], source="zzz")
    return tao


def test_the_sparkline_ends_on_the_quote_of_the_last_source(one_instant_two_sources):
    tao = one_instant_two_sources

    assert sparklines(token_ids=[tao.id]) == {tao.id: [100.0, 198.0]}


def test_an_hourly_bucket_counts_one_quote_per_instant_the_last_sources(one_instant_two_sources):
    at = datetime.fromtimestamp(END, UTC)

    [bucket] = snapshot_buckets(token=one_instant_two_sources, since=at, until=at, interval="1h")

    assert bucket == bucket | {
        "open": 198.0, "high": 198.0, "low": 198.0, "close": 198.0,
        "last_market_cap_usd": 2e9, "last_volume_24h_usd": 2e6, "count": 1,
    }  # fmt: skip


def test_compaction_folds_one_quote_per_instant_but_keeps_the_highest_for_the_ath(tao):
    snapshot_ingest(quotes=[Quote(tao.id, END, 50.0, 5e8, 5e5)], source="zzz")
    snapshot_ingest(quotes=[Quote(tao.id, END, 198.0, 2e9, 2e6)], source="aaa")
    snapshot_ingest(quotes=[Quote(tao.id, END + 2 * HOUR, 60.0)], source="zzz")  # stays raw
    at = datetime.fromtimestamp(END, UTC)
    before = list(snapshot_buckets(token=tao, since=at, until=at, interval="1h"))

    assert snapshots_compact(now=at + timedelta(hours=2), raw_days=0).raw_folded == 2
    [row] = SnapshotCompact.objects.filter(token=tao)

    assert (row.open_usd, row.low_usd, row.close_usd, row.count) == (50.0, 50.0, 50.0, 1)
    assert row.high_usd == 198.0  # the ATH is the highest stored quote of any source
    after = list(snapshot_buckets(token=tao, since=at, until=at, interval="1h"))
    assert after == before  # the bucket's high stays that of the quote kept: 50, not 198


def test_a_daily_fold_keeps_both_the_buckets_high_and_the_ath(tao):
    snapshot_ingest(quotes=[Quote(tao.id, END, 50.0, 5e8, 5e5)], source="zzz")
    snapshot_ingest(quotes=[Quote(tao.id, END, 198.0, 2e9, 2e6)], source="aaa")
    snapshot_ingest(quotes=[Quote(tao.id, END + HOUR, 70.0)], source="zzz")
    snapshot_ingest(quotes=[Quote(tao.id, END + 3 * DAY, 60.0)], source="zzz")  # stays raw
    at = datetime.fromtimestamp(END, UTC)
    day = (at.replace(hour=0), at.replace(hour=23))
    before = list(snapshot_buckets(token=tao, since=day[0], until=day[1], interval="1d"))

    snapshots_compact(now=at + timedelta(days=3), raw_days=0, hourly_days=1)
    [row] = SnapshotCompact.objects.filter(token=tao)

    assert (row.interval, row.high_usd, row.count) == ("1d", 198.0, 2)
    after = list(snapshot_buckets(token=tao, since=day[0], until=day[1], interval="1d"))
    assert after == before
    assert after[0]["high"] == 70.0
    metrics_recompute(token_ids=[tao.id])
    assert TokenMetrics.objects.get(token=tao).ath_usd == 198.0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's text columns always compare code points"
)
def test_source_names_compare_by_code_point_whatever_the_database_locale(db):
    # Under an en-US collation "Zeta" sorts after "csv"; SQLite and Python put "csv" last.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation"
            " WHERE a.attrelid = 'markets_snapshot'::regclass AND a.attname = 'source'"
        )
        assert cursor.fetchone() == ("C",)
