"""beta_btc_30d / corr_btc_30d through the database, on whichever backend the suite runs.

The definition reads BTC's closes over the token's own 30-day window, wherever it falls,
so a token that stopped updating days or months before BTC still gets exact figures.
"""

import numpy as np
import pytest
from django.db import connection

from markets.metrics_math import DAY, HOUR, Series, beta_corr_btc
from markets.models import TokenMetrics
from markets.providers.base import Quote
from markets.services import metrics as metrics_service
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute, series_load
from tests.factories import TokenFactory

T = 1_770_379_200  # 2026-02-06T12:00:00Z
RNG = np.random.default_rng(7)
BTC_RETURNS = RNG.normal(0, 0.03, 400)


def btc_closes(days: int) -> np.ndarray:
    return 60_000 * np.cumprod(1 + BTC_RETURNS[:days])


def store_daily(token, prices, *, end: int, hours=(3, 23), source="test"):
    """Several snapshots a day (the last one is the close), the last day ending at ``end``."""
    last_day = end // DAY
    quotes = []
    for i, price in enumerate(prices):
        day = last_day - (len(prices) - 1 - i)
        quotes += [Quote(token.id, day * DAY + h * HOUR, float(price) * (1 + h / 1000), 1e9, 1e6)
                   for h in hours]  # fmt: skip
    snapshot_ingest(quotes=quotes, source=source)


def expected_beta(token_closes, btc_closes_):
    y, x = np.diff(token_closes) / token_closes[:-1], np.diff(btc_closes_) / btc_closes_[:-1]
    return np.polyfit(x, y, 1)[0], np.corrcoef(x, y)[0, 1]


@pytest.mark.parametrize("days_before_btc", [0, 3, 45, 200])
def test_a_token_that_ends_before_btc_is_paired_with_btc_over_its_own_window(
    tao, btc, days_before_btc
):
    n = 300
    btc_prices = btc_closes(n)
    store_daily(btc, btc_prices, end=T)
    # TAO moves 1.5x BTC plus noise, over 40 days ending ``days_before_btc`` before BTC.
    stop = n - days_before_btc
    window = btc_prices[stop - 40 : stop]
    noise = np.r_[1.0, 1 + RNG.normal(0, 0.005, 39)]
    tao_prices = 5 * np.cumprod(np.r_[1.0, 1 + 1.5 * np.diff(window) / window[:-1]]) * noise
    store_daily(tao, tao_prices, end=T - days_before_btc * DAY)
    metrics_recompute(token_ids=[tao.id, btc.id])
    m = TokenMetrics.objects.get(token=tao)
    # The last 30 UTC days ending on TAO's day hold 30 closes, so 29 paired returns.
    closes = tao_prices[-30:] * (1 + 23 / 1000)
    beta, corr = expected_beta(closes, window[-30:] * (1 + 23 / 1000))
    assert m.beta_btc_30d == pytest.approx(beta)
    assert m.corr_btc_30d == pytest.approx(corr)


def test_btc_closes_after_the_tokens_last_snapshot_on_its_day_do_not_count(tao, btc):
    store_daily(btc, btc_closes(60), end=T)
    store_daily(tao, btc_closes(60), end=T, hours=(3,))  # TAO's day ends at 03:00
    metrics_recompute(token_ids=[tao.id, btc.id])
    # BTC's 23:00 quote of the same days is later than TAO's 03:00 latest snapshot only on
    # TAO's last day; every return still pairs, and the last uses BTC as of 03:00 there.
    assert TokenMetrics.objects.get(token=tao).beta_btc_30d is not None


def test_an_asset_closed_on_weekends_pairs_friday_to_monday_with_btcs_three_day_return(tao, btc):
    n = 60
    btc_prices = btc_closes(n)
    store_daily(btc, btc_prices, end=T)
    last_day = T // DAY
    days = np.arange(last_day - n + 1, last_day + 1)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
    open_days = weekday < 5
    tao_prices = 2 * btc_prices  # exactly BTC's moves: beta and correlation are 1
    quotes = [Quote(tao.id, int(d) * DAY + 23 * HOUR + 1800, float(p), None, None)
              for d, p in zip(days[open_days], tao_prices[open_days], strict=True)]  # fmt: skip
    snapshot_ingest(quotes=quotes, source="test")
    metrics_recompute(token_ids=[tao.id, btc.id])
    m = TokenMetrics.objects.get(token=tao)
    assert m.beta_btc_30d == pytest.approx(1.0)
    assert m.corr_btc_30d == pytest.approx(1.0)


def test_closes_five_days_apart_give_no_return():
    t = np.array([0, 5, 10, 15, 20, 25, 30, 35], dtype=np.int64) * DAY + T - 35 * DAY
    p = np.linspace(10, 20, len(t))
    nan = np.full(len(t), np.nan)
    btc_t = np.arange(T - 40 * DAY, T + 1, DAY, dtype=np.int64)
    btc = Series(btc_t, np.linspace(100, 90, len(btc_t)), np.full(len(btc_t), np.nan),
                 np.full(len(btc_t), np.nan))  # fmt: skip
    assert beta_corr_btc(Series(t, p, nan, nan.copy()), btc) == (None, None)


def test_both_database_readers_load_the_same_series(tao, btc):
    """The PostgreSQL COPY reader and the generic ORM reader agree (run on PostgreSQL)."""
    near = TokenFactory(symbol="NEAR")
    store_daily(btc, btc_closes(200), end=T, hours=(1, 7, 13, 19))
    store_daily(tao, btc_closes(150), end=T - 60 * DAY, hours=(2, 14))
    store_daily(near, btc_closes(20), end=T - 5 * DAY)
    ids = [tao.id, btc.id, near.id]
    generic = metrics_service._series_split(metrics_service._load_columns_generic(ids))
    for tid in ids:
        series = generic[tid]
        assert series.t[0] >= series.t[-1] - 90 * DAY  # each token cut to its own window
    if connection.vendor != "postgresql":
        pytest.skip("the COPY reader needs PostgreSQL (set DATABASE_URL)")
    copied = series_load(ids)
    assert sorted(copied) == sorted(generic)
    for tid in ids:
        for name in ("t", "p", "cap", "vol"):
            np.testing.assert_array_equal(getattr(copied[tid], name), getattr(generic[tid], name))
