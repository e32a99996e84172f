"""/tokens/<SYMBOL>/chart.json: at most 1,000 points per range, bucketed in the database."""

from datetime import UTC, datetime

import numpy as np
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.charts import RANGES, bucket_width
from markets.metrics_math import DAY, HOUR
from markets.services.ingest import QuoteColumns, snapshot_ingest
from tests.factories import TokenFactory
from tests.markets.pages.conftest import END

END_EPOCH = int(END.timestamp())


def chart(client, symbol="TAO", range_key="7d"):
    response = client.get(f"/tokens/{symbol}/chart.json", {"range": range_key})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.parametrize("range_key", list(RANGES))
def test_every_range_returns_at_most_1000_points_sorted_by_time(client, seeded, range_key):
    data = chart(client, range_key=range_key)

    times = [t for t, _ in data["price"]]
    assert 0 < len(times) <= 1000
    assert data["count"] == len(times)
    assert times == sorted(set(times))
    assert [t for t, _ in data["underwater"]] == times
    assert times[-1] == END_EPOCH
    assert data["price"][-1][1] == pytest.approx(164)
    assert data["range"] == range_key
    assert data["end"] == "2026-02-06T12:00:00Z"


@pytest.mark.parametrize(("range_key", "hours"), [("24h", 24), ("7d", 7 * 24), ("30d", 30 * 24)])
def test_short_ranges_keep_every_hourly_point(client, seeded, range_key, hours):
    data = chart(client, range_key=range_key)
    assert data["count"] == hours + 1
    assert data["price"][0][0] == END_EPOCH - hours * HOUR


def test_long_ranges_are_downsampled_to_about_1000_points(client, seeded):
    for range_key in ("90d", "1y", "all"):
        assert 900 < chart(client, range_key=range_key)["count"] <= 1000


def test_all_starts_at_the_first_stored_price(client, seeded):
    data = chart(client, range_key="all")
    assert data["start"] == "2025-09-09T12:00:00Z"  # 150 days of demo history


def test_the_underwater_series_is_never_above_zero_and_zero_at_each_peak(client, seeded):
    for range_key in RANGES:
        data = chart(client, range_key=range_key)
        prices = np.array([p for _, p in data["price"]])
        depths = np.array([d for _, d in data["underwater"]])
        assert (depths <= 0).all()
        at_peak = prices >= np.maximum.accumulate(prices)
        assert (depths[~at_peak] < 0).all()
        # The running peak counts the prices downsampling left out: never a shallower fall
        # than the points shown make, and where every price is shown, the same one.
        shown = np.round(prices / np.maximum.accumulate(prices) - 1, 6)
        assert (depths <= shown).all()
        if range_key in ("24h", "7d", "30d"):
            assert (depths == shown).all()


def test_each_point_is_the_last_price_of_its_time_bucket(client, db):
    """One price a minute for 3 days; price = minutes since the start, so it names its time."""
    token = TokenFactory(symbol="MIN")
    start = END_EPOCH - 3 * DAY
    times = np.arange(start, END_EPOCH + 1, 60, dtype=np.int64)
    snapshot_ingest(
        quotes=QuoteColumns(
            token_id=np.full(len(times), token.pk, np.int64),
            ts=times,
            price_usd=(times - start) / 60 + 1.0,
            market_cap_usd=np.full(len(times), np.nan),
            volume_24h_usd=np.full(len(times), np.nan),
        ),
        source="test",
    )

    data = chart(client, symbol="min", range_key="all")

    width = bucket_width(END_EPOCH - start)
    assert width == 260
    assert len(data["price"]) == 997  # ceil((span + 1) / width)
    for t, price in data["price"]:
        assert price == (t - start) / 60 + 1.0  # the price stored at that time
        next_minute = t + 60
        assert next_minute > END_EPOCH or (next_minute - start) // width != (t - start) // width


def test_chart_reads_cost_the_same_queries_whatever_the_history_size(client, db):
    counts = []
    for symbol, days in (("SHORT", 2), ("LONG", 400)):
        token = TokenFactory(symbol=symbol)
        times = END_EPOCH - np.arange(days * 24, -1, -1, dtype=np.int64) * HOUR
        snapshot_ingest(
            quotes=QuoteColumns(
                token_id=np.full(len(times), token.pk, np.int64),
                ts=times,
                price_usd=np.linspace(10, 20, len(times)),
                market_cap_usd=np.full(len(times), np.nan),
                volume_24h_usd=np.full(len(times), np.nan),
            ),
            source="test",
        )
        with CaptureQueriesContext(connection) as queries:
            data = chart(client, symbol=symbol, range_key="all")
        assert 0 < data["count"] <= 1000
        # chart events of the apps above (core/charts.py) are pinned in tests/episodes
        counts.append(len([q for q in queries if "episodes_" not in q["sql"]]))
    # the token, the history bounds, the bucketed prices, the buckets' highs
    assert counts == [4, 4]


def test_a_bad_range_is_a_400_with_a_json_message(client, seeded):
    response = client.get("/tokens/TAO/chart.json", {"range": "2w"})

    assert response.status_code == 400
    body = response.json()
    assert "2w" in body["error"]
    assert body["ranges"] == ["24h", "7d", "30d", "90d", "1y", "all"]


def test_an_unknown_token_is_a_404_with_a_json_message(client, seeded):
    response = client.get("/tokens/NOPE/chart.json", {"range": "7d"})
    assert response.status_code == 404
    assert "NOPE" in response.json()["error"]


def test_a_token_without_prices_has_empty_series(client, db):
    TokenFactory(symbol="NEW")
    data = chart(client, symbol="NEW", range_key="all")
    assert data == {
        "symbol": "NEW", "range": "all", "start": None, "end": None,
        "count": 0, "price": [], "underwater": [], "annotations": {"markers": [], "bands": []},
    }  # fmt: skip


def test_chart_json_only_answers_reads(client, seeded):
    assert client.post("/tokens/TAO/chart.json").status_code == 405


def test_the_range_ends_at_the_latest_price_not_at_now(client, demo, db):
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC), tick=False):
        data = chart(client, range_key="24h")
    assert (data["start"], data["end"]) == ("2026-02-05T12:00:00Z", "2026-02-06T12:00:00Z")
    assert data["count"] == 25


def test_a_replayed_chart_ends_at_the_replayed_hour_and_reads_nothing_after_it(client, seeded):
    response = client.get("/tokens/TAO/chart.json", {"range": "24h", "at": "2026-02-05T14:30Z"})
    data = response.json()
    assert (data["start"], data["end"]) == ("2026-02-04T14:00:00Z", "2026-02-05T14:00:00Z")
    assert data["count"] == 25 and data["price"][-1][0] == END_EPOCH - 22 * HOUR
    assert data["underwater"][-1][1] <= 0


def test_a_bad_replay_hour_on_the_chart_is_a_400_naming_at(client, seeded):
    response = client.get("/tokens/TAO/chart.json", {"range": "24h", "at": "2026-02-05T14:00"})
    assert response.status_code == 400
    assert "at" in response.json()["errors"]


def test_the_replayed_token_page_tells_its_chart_the_hour(client, seeded):
    html = client.get("/tokens/TAO/", {"at": "2026-02-05T14:00Z"}).content.decode()
    assert 'data-at="2026-02-05T14:00Z"' in html
    assert 'data-at="' not in client.get("/tokens/TAO/").content.decode()


def _hourly_with_a_spike(symbol: str, *, loser_above: float | None = None):
    """400 days of hourly prices at 100, one quote of 300 at half past an hour 200 days back
    (never the last of its 'all' bucket), then 50 for the last 100 days."""
    token = TokenFactory(symbol=symbol)
    times = END_EPOCH - np.arange(400 * 24, -1, -1, dtype=np.int64) * HOUR
    prices = np.where(times > END_EPOCH - 100 * DAY, 50.0, 100.0)
    spike = END_EPOCH - 200 * DAY + HOUR // 2
    times, prices = np.r_[times, spike], np.r_[prices, 300.0]
    order = np.argsort(times)
    columns = QuoteColumns(
        token_id=np.full(len(times), token.pk, np.int64),
        ts=times[order],
        price_usd=prices[order],
        market_cap_usd=np.full(len(times), np.nan),
        volume_24h_usd=np.full(len(times), np.nan),
    )
    snapshot_ingest(quotes=columns, source="b")
    if loser_above is not None:  # a source sorting first quotes higher at the same second
        snapshot_ingest(
            quotes=QuoteColumns(
                token_id=np.array([token.pk], np.int64),
                ts=np.array([END_EPOCH - 50 * DAY], np.int64),
                price_usd=np.array([loser_above]),
                market_cap_usd=np.array([np.nan]),
                volume_24h_usd=np.array([np.nan]),
            ),
            source="a",
        )
    return spike


def test_the_underwater_series_falls_from_the_stored_peak_even_where_downsampling_drops_it(
    client, db
):
    spike = _hourly_with_a_spike("SPIKE")

    data = chart(client, symbol="spike", range_key="all")

    assert 300.0 not in [p for _, p in data["price"]]  # the spike's hour shows its close
    depths = dict(data["underwater"])
    # From the spike on, the fall is measured from 300, as the stats' "from ATH" is.
    assert depths[END_EPOCH] == round(50 / 300 - 1, 6)
    after = [d for t, d in data["underwater"] if t > spike]
    assert max(after) == round(100 / 300 - 1, 6)
    assert all(d == 0 for t, d in data["underwater"] if t < spike)


def test_the_underwater_peak_reads_one_quote_per_instant(client, db):
    _hourly_with_a_spike("TIES", loser_above=1000.0)

    data = chart(client, symbol="ties", range_key="all")

    assert dict(data["underwater"])[END_EPOCH] == round(50 / 300 - 1, 6)
