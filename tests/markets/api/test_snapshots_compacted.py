"""The snapshots API after retention folded old snapshots: less resolution, never less history."""

import csv
import io
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.urls import reverse

from markets.models import Snapshot, SnapshotCompact
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.retention import snapshots_compact

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)
END = int(NOW.timestamp())
HOUR, DAY = 3600, 86_400
SINCE = "2025-10-08T00:00:00Z"  # before the oldest snapshot (2025-10-09T12:00:00Z)
UNTIL = "2026-02-06T12:00:00Z"
URL = reverse("api:token-snapshots", kwargs={"symbol": "TAO"})


@pytest.fixture
def tao_history(tao):
    """120 days of snapshots every 20 minutes, some without cap or volume."""
    rng = np.random.default_rng(7)
    ts = np.arange(END - 120 * DAY, END + 1, 20 * 60, dtype=np.int64)
    price = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(ts))))
    cap = np.where(rng.random(len(ts)) < 0.1, np.nan, price * 1e7)
    snapshot_ingest(
        quotes=QuoteColumns(np.full(len(ts), tao.id, np.int64), ts, price, cap, cap / 20),
        source="test",
    )
    return tao


def pages(client, **params) -> tuple[list[dict], int]:
    """Every row of the range, following `next`; and how many pages that took."""
    body = client.get(URL, {"since": SINCE, "until": UNTIL, **params}).json()
    rows, count = body["results"], 1
    while body["next"]:
        body = client.get(body["next"]).json()
        rows += body["results"]
        count += 1
    return rows, count


def csv_text(client, **params) -> str:
    response = client.get(URL, {"since": SINCE, "until": UNTIL, "format": "csv", **params})
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content).decode()


def answers(client) -> dict:
    return {
        interval: (pages(client, interval=interval)[0], csv_text(client, interval=interval))
        for interval in ("1h", "1d")
    }


def test_hourly_and_daily_answers_are_the_same_after_compaction(api_client, tao_history):
    before = answers(api_client)
    result = snapshots_compact(now=NOW)
    assert result.raw_folded > 0 and result.hourly_rows > 0
    # The raw cutoff (100 days before the latest snapshot, 12:00) splits a day in two.
    oldest_raw = Snapshot.objects.order_by("ts").values_list("ts", flat=True).first()
    assert oldest_raw == NOW - timedelta(days=100)
    after = answers(api_client)
    assert len(before["1h"][0]) == 120 * 24 + 1 and len(before["1d"][0]) == 121
    assert after == before
    rows = list(csv.reader(io.StringIO(after["1d"][1])))
    assert rows[0][0] == "ts" and len(rows) == 1 + 121


def test_pages_chain_across_the_raw_and_compacted_boundary(api_client, tao_history):
    whole, _ = pages(api_client, interval="1h")
    snapshots_compact(now=NOW)
    paged, count = pages(api_client, interval="1h", page_size=500)
    assert count == 6 and paged == whole
    # Back from the third page (all compacted hours, then raw ones) with `previous`.
    first = api_client.get(URL, {"since": SINCE, "until": UNTIL, "interval": "1h",
                                 "page_size": 1000}).json()  # fmt: skip
    second = api_client.get(first["next"]).json()
    third = api_client.get(second["next"]).json()
    assert second["results"] == whole[1000:2000]
    assert third["results"] == whole[2000:]
    assert api_client.get(third["previous"]).json()["results"] == second["results"]


def test_a_second_compaction_changes_nothing(api_client, tao_history):
    snapshots_compact(now=NOW)
    once = answers(api_client)
    result = snapshots_compact(now=NOW)
    assert (result.raw_folded, result.hourly_folded) == (0, 0)
    assert answers(api_client) == once


def test_daily_compacted_rows_serve_days_and_are_one_hourly_bucket_at_their_day(
    api_client, tao_history
):
    days_before, _ = pages(api_client, interval="1d")
    hours_before, _ = pages(api_client, interval="1h")
    result = snapshots_compact(now=NOW, hourly_days=110)  # hours past 110 days fold into days
    assert result.daily_rows == 10
    oldest_hour = SnapshotCompact.objects.filter(interval="1h").order_by("bucket").first()
    assert oldest_hour.bucket == datetime(2025, 10, 19, tzinfo=UTC)
    assert pages(api_client, interval="1d")[0] == days_before
    hours, _ = pages(api_client, interval="1h")
    first_day = [row for row in days_before if row["ts"] == "2025-10-09T00:00:00Z"]
    assert hours[0] == first_day[0]  # the whole day, as one bucket at its start
    assert [row["ts"][:10] for row in hours[:10]] == [f"2025-10-{day:02}" for day in range(9, 19)]
    assert hours[10]["ts"] == "2025-10-19T00:00:00Z"  # then hourly rows, then raw ones
    assert hours[10:] == [row for row in hours_before if row["ts"] >= "2025-10-19"]


def test_a_compacted_row_counts_whole_when_it_overlaps_the_range(api_client, tao_history):
    snapshots_compact(now=NOW, hourly_days=110)
    body = api_client.get(URL, {"since": "2025-10-10T06:00:00Z", "until": "2025-10-10T07:00:00Z",
                                "interval": "1h"}).json()  # fmt: skip
    assert [row["ts"] for row in body["results"]] == ["2025-10-10T00:00:00Z"]
    assert body["results"][0]["count"] == 72


def test_raw_rows_are_only_those_retention_kept(api_client, tao_history):
    snapshots_compact(now=NOW)
    rows, _ = pages(api_client, interval="raw")
    assert rows[0]["ts"] == "2025-10-29T12:00:00Z"
    assert len(rows) == Snapshot.objects.count() == 100 * 72 + 1


@pytest.mark.parametrize("interval", ["1h", "1d"])
def test_a_page_is_the_same_few_queries_before_and_after_compaction(
    api_client, tao_history, interval, django_assert_num_queries
):
    params = {"since": SINCE, "until": UNTIL, "interval": interval, "page_size": 50}
    with django_assert_num_queries(3):
        api_client.get(URL, params)
    snapshots_compact(now=NOW, hourly_days=110)
    with django_assert_num_queries(3):
        body = api_client.get(URL, params).json()
    with django_assert_num_queries(3):
        api_client.get(body["next"])


def test_a_range_from_the_first_possible_day_still_finds_the_compacted_rows(
    api_client, tao_history
):
    snapshots_compact(now=NOW, hourly_days=110)
    body = api_client.get(URL, {"since": "0001-01-01", "until": "2025-10-10", "interval": "1d"})
    assert [row["ts"] for row in body.json()["results"]] == [
        "2025-10-09T00:00:00Z", "2025-10-10T00:00:00Z",
    ]  # fmt: skip
