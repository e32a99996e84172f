"""List metrics at the edges of their definitions (README "Metric definitions")."""

from datetime import UTC, datetime

import pytest

from markets.metrics_math import DAY, HOUR, list_metrics_compute
from markets.models import ListMetrics
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from markets.services.retention import snapshots_compact
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory

T = 1_770_379_200  # 2026-02-06T12:00:00Z


def member(price: float, ath: float) -> dict:
    return {
        "as_of": T, "price_usd": price, "ath_usd": ath, "drawdown_from_ath": price / ath - 1,
        "market_cap_usd": None, "ref_cap_24h_usd": None, "ref_cap_7d_usd": None,
        "change_24h": None, "change_7d": None,
    }  # fmt: skip


@pytest.mark.parametrize(("price", "ath"), [(80.0, 100.0), (0.56, 0.7), (0.232, 0.29)])
def test_every_member_exactly_20_percent_below_its_ath_counts_as_down_20(price, ath):
    # 0.56 is 80 % of 0.70 to the cent, as 80 is of 100: both are "down 20 %" on the page.
    m = list_metrics_compute([member(price, ath)], members_count=1)
    assert m["members_down_20_from_ath"] == 1


@pytest.fixture
def near(db):
    return TokenFactory(symbol="NEAR")


@pytest.fixture
def ai(tao, near):
    ai = TokenListFactory(slug="ai")
    MembershipFactory(token_list=ai, token=tao)
    MembershipFactory(token_list=ai, token=near)
    return ai


def quotes(token, times, cap: float) -> None:
    """Store a price of 1 $ with ``cap`` at each time (epoch seconds)."""
    snapshot_ingest(quotes=[Quote(token.id, t, 1.0, cap, None) for t in times], source="test")


def cap_series(ai, *tokens) -> list:
    metrics_recompute(token_ids=[token.id for token in tokens])
    return ListMetrics.objects.get(token_list=ai).cap_series


def test_the_cap_series_counts_every_member_from_its_first_point(ai, tao, near):
    # TAO quotes at half past every hour; NEAR stopped 10 days ago. Every hour of the
    # 90 days before as_of both members have a known cap: 100 + 50 at each point.
    as_of = T + 30 * 60
    quotes(tao, [as_of - h * HOUR for h in range(100 * 24)], 100.0)
    quotes(near, [as_of - 10 * DAY - h * HOUR for h in range(100 * 24)], 50.0)
    series = cap_series(ai, tao, near)
    assert series[-1] == [as_of, 150.0]
    assert series[0][0] >= as_of - 90 * DAY  # "on each UTC hour of the 90 days before as_of"
    assert {value for _, value in series} == {150.0}


def test_the_cap_series_carries_a_sparse_members_cap_from_before_its_window(ai, tao, near):
    # Both members are up to date (as_of on the hour, so the grid starts exactly 90 days
    # back); NEAR quotes every third day. Its cap quoted 92 days back is its last known cap
    # on the series' first day: that day must count it too.
    quotes(tao, [T - h * HOUR for h in range(95 * 24)], 100.0)
    quotes(near, [T, *(T - 2 * DAY - k * 3 * DAY for k in range(32))], 50.0)
    series = cap_series(ai, tao, near)
    assert series[0] == [T - 90 * DAY, 150.0]
    assert {value for _, value in series} == {150.0}


def test_the_carried_cap_is_the_same_once_retention_has_compacted_it(ai, tao, near):
    # NEAR's last quote before its window is 105 days back: past the 100 raw days, so
    # retention folds it into an hourly row, whose last cap must still be carried.
    quotes(tao, [T - h * HOUR for h in range(95 * 24)], 100.0)
    quotes(near, [T - 105 * DAY, T - 105 * DAY + 60, *(T - k * 20 * DAY for k in range(5))], 50.0)
    before = cap_series(ai, tao, near)
    assert snapshots_compact(now=datetime.fromtimestamp(T, UTC)).raw_folded > 0
    assert cap_series(ai, tao, near) == before
    assert before[0] == [T - 90 * DAY, 150.0]


def test_the_carried_cap_reads_one_quote_per_instant_the_last_sources(ai, tao, near):
    # 95 days back two sources quoted NEAR at the same second: "b" (last in name order, the
    # quote every figure reads) without a cap, "a" with one. The cap known then is still the
    # 50 of 100 days back, which the series carries into its window (NEAR's own quotes there
    # have no cap): "a"'s 100 belongs to a quote no figure reads.
    snapshot_ingest(quotes=[Quote(near.id, T - 100 * DAY, 1.0, 50.0, None)], source="b")
    snapshot_ingest(quotes=[Quote(near.id, T - 95 * DAY, 1.0, 100.0, None)], source="a")
    snapshot_ingest(
        quotes=[Quote(near.id, t, 1.0, None, None) for t in (T - 95 * DAY, T - 10 * DAY, T)],
        source="b",
    )
    series = cap_series(ai, near)
    assert {value for _, value in series} == {50.0}


def test_a_member_whose_reference_cap_is_zero_is_left_out_of_the_cap_change():
    # A cap of 0 is stored as given (a CSV may say so); a change from it has no ratio, so the
    # member counts in neither sum, rather than adding its whole cap to the sector's rise.
    grown = member(1.0, 1.0) | {"market_cap_usd": 100.0, "ref_cap_24h_usd": 0.0}
    steady = member(1.0, 1.0) | {"market_cap_usd": 110.0, "ref_cap_24h_usd": 100.0}
    m = list_metrics_compute([grown, steady], members_count=2)
    assert m["cap_change_24h"] == 110.0 / 100.0 - 1.0
    assert m["total_market_cap_usd"] == 210.0
