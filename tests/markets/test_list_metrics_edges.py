"""List metrics at the edges of their definitions (README "Metric definitions")."""

import pytest

from markets.metrics_math import list_metrics_compute

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
