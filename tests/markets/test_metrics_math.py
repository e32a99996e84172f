"""Hand-computed cases for every metric definition of DESIGN.md."""

import numpy as np
import pytest

from markets.metrics_math import (
    DAY,
    HOUR,
    Series,
    beta_corr_btc,
    cap_series_compute,
    forward_filled,
    list_metrics_compute,
    token_metrics_compute,
)

T = 1_770_379_200  # 2026-02-06T12:00:00Z


def series(points, caps=None, vols=None) -> Series:
    """points: [(seconds before T, price)], oldest first."""
    t = np.array([T - ago for ago, _ in points], dtype=np.int64)
    p = np.array([price for _, price in points], dtype=float)
    nan = np.full(len(points), np.nan)
    cap = np.array(caps, dtype=float) if caps is not None else nan
    vol = np.array(vols, dtype=float) if vols is not None else nan.copy()
    return Series(t, p, cap, vol)


@pytest.fixture
def week():
    return series(
        [(8 * DAY, 100), (7 * DAY, 80), (2 * DAY, 120), (25 * HOUR, 90), (DAY, 100),
         (90 * 60, 95), (0, 110)],
        caps=[1000, 800, 1200, 900, 1000, 950, 1100],
        vols=[10, 10, 10, 10, 10, 10, 55],
    )  # fmt: skip


def test_it_reads_price_cap_and_volume_at_the_latest_snapshot(week):
    m = token_metrics_compute(week)
    assert m["as_of"] == T
    assert (m["price_usd"], m["market_cap_usd"], m["volume_24h_usd"]) == (110, 1100, 55)


def test_changes_use_the_latest_snapshot_at_or_before_each_window(week):
    m = token_metrics_compute(week)
    assert m["change_1h"] == pytest.approx(110 / 95 - 1)  # ref 90 min ago, within 2 h
    assert m["change_24h"] == pytest.approx(110 / 100 - 1)
    assert m["change_7d"] == pytest.approx(110 / 80 - 1)
    assert m["change_30d"] is None  # nothing 30 days back


def test_a_reference_older_than_twice_the_window_gives_no_change():
    stale = token_metrics_compute(series([(50 * HOUR, 100), (0, 110)]))
    fresh = token_metrics_compute(series([(47 * HOUR, 100), (0, 110)]))
    assert stale["change_24h"] is None
    assert fresh["change_24h"] == pytest.approx(0.1)


def test_ath_is_the_highest_price_first_reached(week):
    ties = series([(3 * DAY, 5), (2 * DAY, 7), (DAY, 7), (0, 6)])
    m = token_metrics_compute(ties)
    assert (m["ath_usd"], m["ath_at"]) == (7, T - 2 * DAY)
    assert m["drawdown_from_ath"] == pytest.approx(6 / 7 - 1)


def test_a_given_full_history_ath_wins_over_the_window(week):
    m = token_metrics_compute(week, ath=(500.0, T - 200 * DAY))
    assert (m["ath_usd"], m["ath_at"]) == (500.0, T - 200 * DAY)
    assert m["drawdown_from_ath"] == pytest.approx(110 / 500 - 1)


def test_highs_lows_and_window_drawdowns_include_the_window_start(week):
    m = token_metrics_compute(week)
    assert (m["high_7d_usd"], m["low_7d_usd"]) == (120, 80)
    assert (m["high_30d_usd"], m["low_30d_usd"]) == (120, 80)
    assert m["drawdown_7d"] == pytest.approx(110 / 120 - 1)
    assert m["drawdown_30d"] == pytest.approx(110 / 120 - 1)


def test_max_drawdown_is_the_deepest_fall_from_the_running_peak(week):
    # prices 100 80 120 90 100 95 110: worst is 90 against the 120 peak.
    m = token_metrics_compute(week)
    assert m["max_drawdown_30d"] == pytest.approx(-0.25)
    assert m["max_drawdown_90d"] == pytest.approx(-0.25)


def test_max_drawdown_only_sees_its_window():
    s = series([(40 * DAY, 200), (31 * DAY, 100), (10 * DAY, 100), (5 * DAY, 60), (0, 90)])
    m = token_metrics_compute(s)
    assert m["max_drawdown_30d"] == pytest.approx(60 / 100 - 1)  # 200 peak is outside 30 d
    assert m["max_drawdown_90d"] == pytest.approx(60 / 200 - 1)


def test_turnover_is_volume_over_cap_and_null_without_a_cap(week):
    assert token_metrics_compute(week)["turnover"] == pytest.approx(55 / 1100)
    no_cap = series([(0, 10)], caps=[0], vols=[5])
    assert token_metrics_compute(no_cap)["turnover"] is None
    assert token_metrics_compute(series([(0, 10)]))["turnover"] is None


def test_a_single_snapshot_gets_nulls_and_zero_drawdowns():
    m = token_metrics_compute(series([(0, 42)]))
    assert [m[k] for k in ("change_1h", "change_24h", "change_7d", "change_30d")] == [None] * 4
    assert m["drawdown_from_ath"] == 0 and m["max_drawdown_90d"] == 0
    assert (m["beta_btc_30d"], m["corr_btc_30d"]) == (None, None)


def test_it_remembers_the_caps_at_the_24h_and_7d_references(week):
    m = token_metrics_compute(week)
    assert (m["ref_cap_24h_usd"], m["ref_cap_7d_usd"]) == (1000, 800)


# --- beta and correlation against BTC -----------------------------------------------------

BTC_RETURNS = [0.01, -0.02, 0.03, -0.01, 0.02, -0.04, 0.05, 0.0, -0.03, 0.02, 0.01, -0.01,
               0.015, -0.025, 0.03, 0.01, -0.02, 0.005, 0.02, -0.01, 0.03, -0.05, 0.01, 0.02,
               -0.01, 0.0, 0.02, -0.03, 0.01]  # fmt: skip


def daily(returns, *, start=100.0, noon_only=False) -> Series:
    """One close per UTC day ending today, plus a misleading early snapshot each day."""
    closes = start * np.cumprod(np.r_[1.0, 1.0 + np.array(returns)])
    last_day = T // DAY
    days = np.arange(last_day - len(closes) + 1, last_day + 1)
    t, p = [], []
    for day, close in zip(days, closes, strict=True):
        if not noon_only:
            t.append(day * DAY + 3 * HOUR)
            p.append(close * 3)  # not the close: must be ignored
        t.append(day * DAY + 11 * HOUR)
        p.append(close)
    nan = np.full(len(t), np.nan)
    return Series(np.array(t, dtype=np.int64), np.array(p), nan, nan.copy())


def test_beta_and_correlation_of_a_token_moving_twice_as_much_as_btc():
    btc = daily(BTC_RETURNS)
    token = daily([2 * r for r in BTC_RETURNS])
    beta, corr = beta_corr_btc(token, btc)
    assert beta == pytest.approx(2.0)
    assert corr == pytest.approx(1.0)


def test_beta_matches_a_least_squares_slope_for_noisy_returns():
    noise = [0.01, -0.005, 0.002, 0.0, 0.007, -0.01, 0.004, 0.003, -0.002, 0.006, -0.004,
             0.001, 0.0, -0.003, 0.005, -0.006, 0.002, 0.001, -0.001, 0.004, 0.0, 0.002,
             -0.005, 0.003, 0.001, -0.002, 0.0, 0.004, -0.001]  # fmt: skip
    y = [1.5 * r + n for r, n in zip(BTC_RETURNS, noise, strict=True)]
    beta, corr = beta_corr_btc(daily(y), daily(BTC_RETURNS))
    assert beta == pytest.approx(np.polyfit(BTC_RETURNS, y, 1)[0])
    assert corr == pytest.approx(np.corrcoef(BTC_RETURNS, y)[0, 1])


def test_it_uses_only_the_last_30_utc_days():
    old = [0.5, -0.4] * 10  # wild moves more than 30 days ago must not count
    btc = daily(old + BTC_RETURNS)
    token = daily([0.0] * len(old) + [2 * r for r in BTC_RETURNS])
    assert beta_corr_btc(token, btc)[0] == pytest.approx(2.0)


def test_under_ten_paired_returns_gives_null_beta():
    btc = daily(BTC_RETURNS)
    token = daily(BTC_RETURNS[-9:])  # 10 closes -> 9 returns
    assert beta_corr_btc(token, btc) == (None, None)
    assert beta_corr_btc(daily(BTC_RETURNS[-10:]), btc)[0] == pytest.approx(1.0)


def test_days_with_a_gap_do_not_pair():
    btc = daily(BTC_RETURNS, noon_only=True)
    token = daily(BTC_RETURNS, noon_only=True)
    keep = np.ones(len(token.t), dtype=bool)
    keep[10] = False  # one missing day removes two returns (into and out of the gap)
    gappy = Series(token.t[keep], token.p[keep], token.cap[keep], token.vol[keep])
    days = gappy.t // DAY
    assert len(np.flatnonzero(np.diff(days) == 1)) == 27
    assert beta_corr_btc(gappy, btc)[0] == pytest.approx(1.0)


def test_no_btc_overlap_or_flat_btc_gives_null_beta():
    token = daily(BTC_RETURNS)
    assert beta_corr_btc(token, None) == (None, None)
    far_past = Series(token.t - 100 * DAY, token.p, token.cap, token.vol)
    assert beta_corr_btc(token, far_past) == (None, None)
    only_later = Series(token.t + 100 * DAY, token.p, token.cap, token.vol)
    assert beta_corr_btc(token, only_later) == (None, None)
    flat = daily([0.0] * len(BTC_RETURNS))
    assert beta_corr_btc(token, flat) == (None, None)


# --- lists --------------------------------------------------------------------------------


def member(**values):
    base = {"as_of": T, "market_cap_usd": None, "ref_cap_24h_usd": None, "ref_cap_7d_usd": None,
            "change_24h": None, "change_7d": None, "drawdown_from_ath": 0.0}  # fmt: skip
    values = base | values
    return {"ath_usd": 100.0, "price_usd": 100.0 * (1 + values["drawdown_from_ath"])} | values


def test_list_metrics_sum_caps_and_compare_only_members_with_both_caps():
    members = [
        member(market_cap_usd=100, ref_cap_24h_usd=200, ref_cap_7d_usd=400, change_24h=-0.5,
               change_7d=-0.75, drawdown_from_ath=-0.8),
        member(market_cap_usd=50, ref_cap_24h_usd=50, change_24h=0.0, drawdown_from_ath=-0.2,
               as_of=T - HOUR),
        member(market_cap_usd=None, ref_cap_24h_usd=999, change_24h=0.1,
               drawdown_from_ath=-0.19),
    ]  # fmt: skip
    m = list_metrics_compute(members, members_count=4)
    assert m["as_of"] == T
    assert m["total_market_cap_usd"] == 150
    assert m["cap_change_24h"] == pytest.approx(150 / 250 - 1)
    assert m["cap_change_7d"] == pytest.approx(100 / 400 - 1)
    assert m["equal_weight_change_24h"] == pytest.approx((-0.5 + 0.0 + 0.1) / 3)
    assert m["equal_weight_change_7d"] == pytest.approx(-0.75)
    assert (m["members_count"], m["members_down_20_from_ath"]) == (4, 2)


def test_a_member_exactly_20_percent_below_its_ath_counts_as_down_20():
    exactly = member(price_usd=80.0, ath_usd=100.0, drawdown_from_ath=80 / 100 - 1)
    almost = member(price_usd=80.01, ath_usd=100.0, drawdown_from_ath=80.01 / 100 - 1)
    assert list_metrics_compute([exactly, almost], members_count=2)["members_down_20_from_ath"] == 1


def test_an_empty_list_has_null_metrics():
    m = list_metrics_compute([], members_count=0)
    assert m["as_of"] is None and m["total_market_cap_usd"] is None
    assert m["cap_change_24h"] is None and m["equal_weight_change_24h"] is None


def test_forward_fill_keeps_the_last_known_value():
    filled = forward_filled(np.array([np.nan, 1.0, np.nan, 3.0, np.nan]))
    assert np.isnan(filled[0])
    assert filled[1:].tolist() == [1.0, 1.0, 3.0, 3.0]


def test_the_cap_series_sums_members_and_fills_their_gaps_hourly():
    a = series([(3 * HOUR, 1), (2 * HOUR, 1), (HOUR, 1), (0, 1)], caps=[10, 11, 12, 13])
    b = series([(3 * HOUR, 1), (0, 1)], caps=[100, 200])  # a 3-hour gap, filled with 100
    points = cap_series_compute([a, b], end=T, span=3 * HOUR)
    assert points == [[T - 3 * HOUR, 110.0], [T - 2 * HOUR, 111.0], [T - HOUR, 112.0],
                      [T, 213.0]]  # fmt: skip


def test_the_cap_series_ends_at_the_latest_quote_like_the_sector_card():
    # The latest quotes are at 12:30: the series ends there, on the card's total (13 + 200),
    # not at 12:00 on the caps known then (12 + 100).
    a = series([(HOUR, 1), (30 * 60, 1), (-30 * 60, 1)], caps=[11, 12, 13])
    b = series([(HOUR, 1), (-30 * 60, 1)], caps=[100, 200])
    points = cap_series_compute([a, b], end=T + 30 * 60, span=2 * HOUR)
    assert points == [[T - HOUR, 111.0], [T, 112.0], [T + 30 * 60, 213.0]]


def test_the_cap_series_starts_on_the_first_hour_inside_its_span():
    # end 12:30 with a 2-hour span: 10:30 to 12:30, so 11:00, 12:00 and 12:30 (not 10:00).
    a = series([(3 * HOUR, 1), (HOUR, 1), (30 * 60, 1), (-30 * 60, 1)], caps=[10, 11, 12, 13])
    points = cap_series_compute([a], end=T + 30 * 60, span=2 * HOUR)
    assert [t for t, _ in points] == [T - HOUR, T, T + 30 * 60]


def test_a_members_cap_carried_from_before_its_quotes_counts_until_its_first_cap():
    a = series([(3 * HOUR, 1), (0, 1)], caps=[10, 20])
    b = series([(HOUR, 1), (0, 1)], caps=[np.nan, 200])  # first quote at 11:00, without cap
    points = cap_series_compute([a, b], end=T, span=3 * HOUR, carried=[None, 150.0])
    assert points == [[T - 3 * HOUR, 160.0], [T - 2 * HOUR, 160.0], [T - HOUR, 160.0],
                      [T, 220.0]]  # fmt: skip
