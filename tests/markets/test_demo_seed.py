"""The demo episode reproduces the article's figures, checked through the metrics service."""

from datetime import UTC, datetime

import numpy as np
import pytest

from markets.metrics_math import DAY, HOUR, token_metrics_compute
from markets.models import ListMetrics, Snapshot, TokenList, TokenMetrics
from markets.services.demo import demo_seed
from markets.services.metrics import series_load

END = datetime(2026, 2, 6, 12, tzinfo=UTC)


@pytest.fixture
def seeded(db):
    demo_seed(end=END)
    return {m.token.symbol: m for m in TokenMetrics.objects.select_related("token")}


def test_tao_matches_the_article(seeded):
    tao = seeded["TAO"]
    assert tao.as_of == END
    assert tao.price_usd == pytest.approx(164)
    assert tao.low_7d_usd == pytest.approx(147)
    assert round(tao.change_7d, 4) == -0.2341
    assert round(tao.change_24h, 4) == -0.1069
    assert tao.volume_24h_usd > 300e6
    assert tao.market_cap_usd > 1.5e9


def test_near_icp_and_render_fell_between_23_and_25_percent_in_a_week(seeded):
    assert round(seeded["NEAR"].change_7d, 3) == -0.254
    for symbol in ("ICP", "RENDER"):
        assert -0.25 <= seeded[symbol].change_7d <= -0.23


def test_btc_lost_about_18_percent_in_one_day_to_about_60k(seeded):
    btc = seeded["BTC"]
    assert 58_000 <= btc.low_7d_usd <= 62_000
    series = series_load([btc.token_id])[btc.token_id]
    # The worst 24-hour change of the last week, each as the metric would report it then.
    worst = min(
        token_metrics_compute(series.until(int(END.timestamp()) - h * HOUR))["change_24h"]
        for h in range(0, 7 * 24 - 24)
    )
    assert worst == pytest.approx(-0.18, abs=0.005)


def test_it_builds_the_ai_and_benchmark_lists_with_120_days_of_hourly_history(seeded):
    ai = TokenList.objects.get(slug="ai")
    assert ai.is_featured
    assert {"TAO", "NEAR", "ICP", "RENDER"} <= set(ai.members.values_list("symbol", flat=True))
    benchmarks = TokenList.objects.get(slug="benchmarks")
    assert set(benchmarks.members.values_list("symbol", flat=True)) == {"BTC", "ETH"}
    stamps = Snapshot.objects.filter(token__symbol="TAO").order_by("ts").values_list("ts")
    first, last = stamps.first()[0], stamps.last()[0]
    assert (last - first).total_seconds() >= 120 * DAY
    assert stamps.count() == (last - first).total_seconds() / HOUR + 1
    sector = ListMetrics.objects.get(token_list=ai)
    assert sector.members_down_20_from_ath == sector.members_count
    assert sector.cap_change_7d < -0.2


def test_the_ai_tokens_move_with_btc(seeded):
    assert all(seeded[s].corr_btc_30d > 0 for s in ("TAO", "NEAR", "ICP", "RENDER"))


def test_seeding_is_deterministic_and_replaces_the_previous_episode(seeded):
    before = list(Snapshot.objects.order_by("token_id", "ts").values_list("price_usd", flat=True))
    demo_seed(end=END)
    after = list(Snapshot.objects.order_by("token_id", "ts").values_list("price_usd", flat=True))
    assert np.allclose(before, after)
    crypto = Snapshot.objects.filter(token__asset_class="crypto")  # equities: weekdays only
    crypto_before = crypto.count()
    demo_seed(end=datetime(2026, 3, 1, tzinfo=UTC))
    assert crypto.count() == crypto_before
    assert TokenMetrics.objects.get(token__symbol="TAO").as_of == datetime(2026, 3, 1, tzinfo=UTC)


def test_seeding_features_the_ai_list_published_even_if_staff_had_unpublished_it(db):
    TokenList.objects.create(slug="ai", name="AI tokens", is_public=False)
    demo_seed(end=END)
    ai = TokenList.objects.get(slug="ai")
    assert (ai.is_featured, ai.is_public) == (True, True)
