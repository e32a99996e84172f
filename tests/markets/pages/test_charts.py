"""markets.charts: the underwater curve, downsampling, sparklines and the cap chart."""

from datetime import timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.charts import (
    MAX_POINTS,
    UnknownRange,
    cap_chart,
    downsample_last,
    price_chart,
    sparkline_points,
    sparklines,
    underwater,
)
from markets.models import Token, TokenMetrics


def test_underwater_is_the_fall_from_the_running_peak():
    assert underwater([100, 120, 90, 130, 65, 130]) == [0, 0, -0.25, 0, -0.5, 0]


def test_underwater_is_never_above_zero_and_zero_at_each_new_high():
    prices = np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.05, 500)))
    depths = np.array(underwater(prices))
    assert (depths <= 0).all()
    new_high = prices >= np.maximum.accumulate(prices)
    assert (depths[new_high] == 0).all()


def test_underwater_of_nothing_is_nothing():
    assert underwater([]) == []


def test_downsampling_keeps_the_last_value_of_each_time_bucket():
    times = np.arange(0, 10_000, dtype=np.int64)
    kept_t, kept_v = downsample_last(times, times * 2.0, max_points=100)
    assert len(kept_t) == 100
    assert kept_t[-1] == 9_999
    assert kept_v == [t * 2.0 for t in kept_t]
    assert kept_t[:2] == [99, 199]  # buckets of 100 seconds: [0, 99], [100, 199], …


def test_a_short_series_is_not_downsampled():
    assert downsample_last([1, 2, 3], [4.0, 5.0, 6.0]) == ([1, 2, 3], [4.0, 5.0, 6.0])


def test_sparkline_points_span_the_box_from_left_to_right():
    points = [tuple(map(float, p.split(","))) for p in sparkline_points([1, 3, 2]).split()]
    assert [x for x, _ in points] == [0.0, 50.0, 100.0]
    ys = [y for _, y in points]
    assert ys[1] == 2.0 and ys[0] == 26.0  # highest at the top, lowest at the bottom


def test_a_flat_sparkline_is_drawn_across_the_middle():
    assert sparkline_points([5, 5, 5]) == "0.0,14.0 50.0,14.0 100.0,14.0"


def _row_queries() -> int:
    """PostgreSQL reads the lines with their 7-day references in one query; SQLite's ORM
    path takes a second one for the references (never one per token)."""
    return 1 if connection.vendor == "postgresql" else 2


def test_sparklines_of_many_tokens_take_one_query(seeded):
    metrics = {m.token_id: m.as_of for m in TokenMetrics.objects.all()}

    with CaptureQueriesContext(connection) as queries:
        lines = sparklines(token_ids=list(metrics), ends=metrics)

    assert len(queries) == _row_queries()
    assert set(lines) == set(metrics)
    tao = Token.objects.get(symbol="TAO")
    assert len(lines[tao.pk]) == 7 * 24 + 1
    assert lines[tao.pk][-1] == pytest.approx(164)
    change_7d = TokenMetrics.objects.get(token=tao).change_7d
    assert lines[tao.pk][-1] / lines[tao.pk][0] - 1 == pytest.approx(change_7d)


def test_sparklines_look_up_the_latest_times_when_not_given(seeded):
    ids = list(Token.objects.filter(asset_class="crypto").values_list("pk", flat=True))  # hourly
    with CaptureQueriesContext(connection) as queries:
        lines = sparklines(token_ids=ids)
    assert len(queries) == 1 + _row_queries()
    assert all(len(line) == 169 for line in lines.values())


def test_sparklines_of_no_tokens_cost_nothing(db):
    with CaptureQueriesContext(connection) as queries:
        assert sparklines(token_ids=[]) == {}
    assert len(queries) == 0


def test_a_token_whose_last_price_is_old_gets_its_own_last_week(seeded):
    tao = Token.objects.get(symbol="TAO")
    as_of = TokenMetrics.objects.get(token=tao).as_of
    lines = sparklines(token_ids=[tao.pk], ends={tao.pk: as_of - timedelta(days=30)})
    assert len(lines[tao.pk]) == 169
    assert lines[tao.pk][-1] != pytest.approx(164)


def test_price_chart_refuses_an_unknown_range(seeded):
    with pytest.raises(UnknownRange):
        price_chart(token=Token.objects.get(symbol="TAO"), range_key="5y")


def test_the_cap_chart_downsamples_the_hourly_series_and_adds_its_drawdown():
    series = [[3600 * i, 100.0 + (i % 50) - i / 100] for i in range(2_161)]
    data = cap_chart(cap_series=series)
    assert data["count"] <= MAX_POINTS
    assert data["cap"][-1] == [3600 * 2_160, round(series[-1][1], 2)]
    assert all(d <= 0 for _, d in data["drawdown"])
    assert data["peak"] == max(v for _, v in series)
    assert data["drawdown_now"] == pytest.approx(series[-1][1] / data["peak"] - 1)


def test_the_cap_drawdown_falls_from_the_peak_the_note_names_even_where_downsampling_drops_it():
    """90 days of hours at 100, one hour at 200 that is not the last of its bucket, then 150."""
    series = [[3600 * i, 100.0] for i in range(2_161)]
    series[999][1] = 200.0
    for point in series[1_000:]:
        point[1] = 150.0
    data = cap_chart(cap_series=series)
    assert 200.0 not in [v for _, v in data["cap"]]
    assert data["drawdown_now"] == -0.25
    assert data["drawdown"][-1][1] == -0.25  # the curve ends where the note says


def test_an_empty_cap_series_gives_an_empty_chart():
    assert cap_chart(cap_series=[]) == {"count": 0, "cap": [], "drawdown": []}


def test_the_written_out_sparkline_query_gives_what_the_orm_one_gives(seeded):
    from markets.charts import _sparkline_rows, _sparkline_rows_postgresql

    if connection.vendor != "postgresql":
        pytest.skip("the written-out query is PostgreSQL's")
    ends = {m.token_id: m.as_of for m in TokenMetrics.objects.all()}
    tao = Token.objects.get(symbol="TAO")
    ends[tao.pk] -= timedelta(days=30, minutes=17)  # an older window, not on the hour
    windows = [(pk, end - timedelta(days=7), end) for pk, end in sorted(ends.items())]

    rows = _sparkline_rows_postgresql(windows)

    assert rows == _sparkline_rows(windows)
    assert len(rows) > 7 * 24 * len(windows) // 2


def _quotes(token, times, prices):
    from markets.services.ingest import QuoteColumns, snapshot_ingest

    times = np.asarray(times, dtype=np.int64)
    snapshot_ingest(
        quotes=QuoteColumns(
            token_id=np.full(len(times), token.pk, np.int64),
            ts=times,
            price_usd=np.asarray(prices, dtype=np.float64),
            market_cap_usd=np.full(len(times), np.nan),
            volume_24h_usd=np.full(len(times), np.nan),
        ),
        source="test",
    )


@pytest.mark.parametrize("connection_kind", ["written-out", "orm"])
def test_a_gappy_token_s_sparkline_starts_at_its_7d_reference_so_its_trend_is_its_7d_change(
    db, connection_kind, monkeypatch
):
    """Quotes 8.5 days back (the 7-day reference), 6 days back, then the last two hours: the
    row said 7d +5.26 % while its sparkline, starting 6 days back, read -9.09 %."""
    from markets import charts
    from markets.services.metrics import metrics_recompute
    from tests.factories import TokenFactory

    token = TokenFactory(symbol="GAPPY")
    end = 1_770_292_800  # 2026-02-05 12:00 UTC
    day, hour = 86_400, 3_600
    _quotes(token, [end - 8 * day - 12 * hour, end - 6 * day - 23 * hour, end - hour, end],
            [9.5, 11.0, 10.0, 9.9996])  # fmt: skip
    metrics_recompute(token_ids=[token.pk])
    metrics = TokenMetrics.objects.get(token=token)
    if connection_kind == "orm":  # the query SQLite runs
        monkeypatch.setattr(charts, "_sparkline_rows_postgresql", charts._sparkline_rows)

    line = sparklines(token_ids=[token.pk], ends={token.pk: metrics.as_of})[token.pk]

    assert line == [9.5, 11.0, 10.0, 9.9996]
    assert line[-1] / line[0] - 1 == metrics.change_7d


def test_a_sparkline_of_quotes_every_5_minutes_trends_like_the_7d_change(db):
    from markets.services.metrics import metrics_recompute
    from tests.factories import TokenFactory

    token = TokenFactory(symbol="FIVE")
    end = 1_770_293_100  # 2026-02-05 12:05 UTC, not on the hour
    times = np.arange(end - 8 * 86_400, end + 1, 300)
    _quotes(token, times, 100 + np.sin(times / 5_000.0) + (times - times[0]) / 1e5)
    metrics_recompute(token_ids=[token.pk])
    metrics = TokenMetrics.objects.get(token=token)

    line = sparklines(token_ids=[token.pk], ends={token.pk: metrics.as_of})[token.pk]

    assert line[-1] / line[0] - 1 == metrics.change_7d
