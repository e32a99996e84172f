"""Drive prices through the real ingest and metrics, then evaluate, with frozen time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from alerts.engine import alerts_evaluate
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from tests.factories import TokenFactory

T = 1_770_379_200  # 2026-02-06T12:00:00Z
HOUR = 3600
DAY = 24 * HOUR


class Market:
    """A clock and a stubbed provider: ``tick`` stores one quote per token an hour later,
    recomputes the metrics, and (unless told not to) evaluates the alerts."""

    def __init__(self, traveller):
        self.traveller = traveller
        self.now = T

    def quote(self, token, price: float, *, volume: float | None = 1e8, at: int | None = None):
        ts = self.now if at is None else at
        snapshot_ingest(quotes=[Quote(token.pk, ts, price, 1e9, volume)], source="stub")

    def tick(self, prices: dict, *, hours: int = 1, evaluate: bool = True, volume=1e8):
        self.now += hours * HOUR
        self.traveller.move_to(datetime.fromtimestamp(self.now + 60, tz=UTC))
        for token, price in prices.items():
            self.quote(token, price, volume=volume)
        metrics_recompute(token_ids=[t.pk for t in prices])
        return alerts_evaluate() if evaluate else None


@pytest.fixture
def market(db):
    with time_machine.travel(datetime.fromtimestamp(T, tz=UTC), tick=False) as traveller:
        yield Market(traveller)


@pytest.fixture
def btc(db):
    return TokenFactory(symbol="BTC", name="Bitcoin", coingecko_id="bitcoin", is_benchmark=True)


@pytest.fixture
def tao(db):
    return TokenFactory(symbol="TAO", name="Bittensor", coingecko_id="bittensor")
