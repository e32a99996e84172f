"""The 1h / 1d buckets of a long history read in time that grows with its rows, whatever the
planner believes: a backfill of a new token's history (no ANALYZE after it) left PostgreSQL
estimating one row for it, and the same-instant check then ran as a nested loop over the
range for every quote (30,000 quotes: over a minute)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from markets.models import Snapshot, Token
from markets.selectors import snapshot_buckets

START = datetime(2024, 1, 1, tzinfo=UTC)
QUOTES = 30_000


@pytest.fixture
def unknown_to_the_planner(db):
    """A new token's 30,000 minute quotes stored after the table's statistics were taken."""
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    old = Token.objects.create(symbol="OLD", name="Old")
    Snapshot.objects.bulk_create(
        Snapshot(token=old, ts=START + timedelta(minutes=i), source="csv", price_usd=1.0)
        for i in range(3_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE markets_snapshot")
    new = Token.objects.create(symbol="NEW", name="New")
    Snapshot.objects.bulk_create(
        (
            Snapshot(token=new, ts=START + timedelta(minutes=i), source="csv", price_usd=1.0 + i)
            for i in range(QUOTES)
        ),
        batch_size=10_000,
    )
    # the second source of one instant: the bucket keeps the one that sorts last ("web")
    Snapshot.objects.create(token=new, ts=START, source="web", price_usd=0.5)
    return new


def test_the_hourly_buckets_of_a_history_the_planner_does_not_know_come_back_at_once(
    unknown_to_the_planner,
):
    end = START + timedelta(minutes=QUOTES)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '10s'")  # over a minute before

    buckets = list(
        snapshot_buckets(token=unknown_to_the_planner, since=START, until=end, interval="1h")
    )

    assert len(buckets) == QUOTES // 60
    first = buckets[0]
    assert (first["open"], first["high"], first["count"]) == (0.5, 60.0, 60)
    assert buckets[-1]["close"] == float(QUOTES)


def test_the_price_charts_peaks_of_a_history_the_planner_does_not_know_come_back_at_once(
    unknown_to_the_planner,
):
    """The chart's per-bucket highs (its underwater curve) read one quote per instant too."""
    from markets.charts import price_chart

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '10s'")

    chart = price_chart(token=unknown_to_the_planner, range_key="all")

    assert chart["underwater"][-1][1] == 0.0  # the last quote is the highest
    assert chart["count"] > 0
