"""Market data helpers of the API tests (tests/conftest.py gives each test an empty cache)."""

from __future__ import annotations

import pytest

from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory

T = 1_770_379_200  # 2026-02-06T12:00:00Z
HOUR = 3600
DAY = 24 * HOUR


def store(token, points, *, source: str = "test") -> None:
    """points: [(epoch, price, cap, volume)]; cap and volume may be None."""
    snapshot_ingest(quotes=[Quote(token.id, *point) for point in points], source=source)


def token_with_change_7d(symbol: str, change_7d: float | None, **fields):
    """A token whose metrics give this 7-day change (None: too little history for one)."""
    token = TokenFactory(symbol=symbol, **fields)
    if change_7d is None:
        store(token, [(T, 10.0, 1e9, 1e7)])
    else:
        store(token, [(T - 7 * DAY, 100.0, 1e10, 1e8), (T, 100.0 * (1 + change_7d), 9e9, 2e8)])
    return token


@pytest.fixture
def ai_list(db):
    """Public list "ai": TAO (-23.41 % over 7 days), NEAR (-25.4 %), ICP without metrics."""
    tao = token_with_change_7d("TAO", -0.2341, name="Bittensor")
    near = token_with_change_7d("NEAR", -0.254, name="NEAR Protocol")
    icp = TokenFactory(symbol="ICP", name="Internet Computer")
    ai = TokenListFactory(slug="ai", name="AI tokens", is_featured=True)
    for position, token in enumerate([tao, near, icp]):
        MembershipFactory(token_list=ai, token=token, position=position)
    metrics_recompute()
    return ai
