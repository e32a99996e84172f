"""A small story to compute episode figures by hand (see tests/episodes/test_figures.py).

Window: 2026-02-02 00:00 → 2026-02-03 00:00 UTC (W0 + 24 h → W0 + 48 h).

| hour after W0 | 0   | 16  | 24  | 30  | 40  | 48  |
| BTC           | 100 | 100 | 100 | 110 | 77  | 88  |   (0 and 16: references only)
| TAO (cap x1e6)|     |     | 200 | 220 | 132 | 150 |
| NEAR (x1e9)   |     |     | 2.0 |     |     | 1.7 |
| MSFT (equity) |     |     | 400 |     |     | 368 |
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from episodes.models import Episode
from markets.models import Token
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import derived_refresh
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory

W0 = datetime(2026, 2, 1, tzinfo=UTC)
START = W0 + timedelta(hours=24)
END = W0 + timedelta(hours=48)


def at(hours: int) -> datetime:
    return W0 + timedelta(hours=hours)


def store(token: Token, prices: dict[int, float], *, cap_factor: float = 1e6) -> None:
    quotes = [
        Quote(token.pk, int(at(h).timestamp()), price, price * cap_factor, 1e6)
        for h, price in prices.items()
    ]
    derived_refresh(ingested=snapshot_ingest(quotes=quotes, source="test"))  # + hourly closes


@pytest.fixture
def story(db):
    btc = TokenFactory(symbol="BTC", name="Bitcoin", is_benchmark=True)
    tao = TokenFactory(symbol="TAO", name="Bittensor")
    near = TokenFactory(symbol="NEAR", name="NEAR Protocol")
    msft = TokenFactory(symbol="MSFT", name="Microsoft", asset_class=Token.AssetClass.EQUITY)
    store(btc, {0: 100, 16: 100, 24: 100, 30: 110, 40: 77, 48: 88})
    store(tao, {24: 200, 30: 220, 40: 132, 48: 150}, cap_factor=1e6)
    store(near, {24: 2.0, 48: 1.7}, cap_factor=1e9)
    store(msft, {24: 400, 48: 368})
    ai = TokenListFactory(slug="ai", name="AI tokens", name_fr="Tokens IA")
    equities = TokenListFactory(slug="ai-equities", name="AI equities")
    MembershipFactory(token_list=ai, token=tao, position=0)
    MembershipFactory(token_list=ai, token=near, position=1)
    MembershipFactory(token_list=equities, token=msft, position=0)
    episode = Episode.objects.create(
        slug="feb-test", title="The test crash", title_fr="Le krach de test",
        start=START, end=END, summary="What happened.", summary_fr="Ce qui s\u2019est passé.",
        is_published=True,
    )  # fmt: skip
    episode.lists.set([ai, equities])
    return episode


@pytest.fixture
def secret(story):
    """An unpublished list (its slug sorts before the story's lists) holding TAO and ZQX, a
    token of no other list; the story's episode covers it too."""
    zqx = TokenFactory(symbol="ZQX", name="Zequex")
    store(zqx, {24: 10, 48: 5})
    draft = TokenListFactory(slug="a-secret-draft", name="Secret draft", is_public=False)
    MembershipFactory(token_list=draft, token=Token.objects.get(symbol="TAO"), position=0)
    MembershipFactory(token_list=draft, token=zqx, position=1)
    story.lists.add(draft)
    return draft
