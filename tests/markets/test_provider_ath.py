"""All-time highs reported by CoinGecko (/coins/markets `ath`, `ath_date`) on recorded answers."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from markets.models import Token, TokenMetrics
from markets.providers.base import Quote
from markets.providers.coingecko import CoinGeckoProvider
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from markets.services.refresh import prices_refresh
from tests.factories import TokenFactory

FIXTURES = Path(__file__).parent / "fixtures" / "coingecko"
MARKETS = "https://api.coingecko.com/api/v3/coins/markets"
GOOD = json.loads((FIXTURES / "coins_markets.json").read_text())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def tao(db):
    return TokenFactory(symbol="TAO", coingecko_id="bittensor")


def refresh_with(body) -> None:
    provider = CoinGeckoProvider(
        api_key="k", plan="demo", timeout=1, max_retries=0, backoff=0, sleep=lambda s: None
    )
    with respx.mock(assert_all_mocked=True) as router:
        router.get(MARKETS).mock(return_value=httpx.Response(200, json=body))
        prices_refresh(provider=provider)


def test_the_reported_ath_is_kept_on_the_token_and_used_when_higher(tao):
    refresh_with(GOOD)
    tao.refresh_from_db()
    assert tao.provider_ath_usd == 757.6
    assert tao.provider_ath_at == at("2024-03-07T18:45:36Z")  # whole seconds
    m = TokenMetrics.objects.get(token=tao)
    assert (m.ath_usd, m.ath_at) == (757.6, at("2024-03-07T18:45:36Z"))
    assert m.drawdown_from_ath == pytest.approx(164.27 / 757.6 - 1)


def test_a_stored_price_above_the_reported_ath_wins_with_its_own_date(tao):
    snapshot_ingest(quotes=[Quote(tao.id, int(at("2025-12-01T00:00:00Z").timestamp()), 800.0)],
                    source="csv")  # fmt: skip
    refresh_with(GOOD)
    m = TokenMetrics.objects.get(token=tao)
    assert (m.ath_usd, m.ath_at) == (800.0, at("2025-12-01T00:00:00Z"))


@pytest.mark.parametrize(
    "change",
    [{"ath": None}, {"ath": -1}, {"ath": "NaN"}, {"ath_date": None}, {"ath_date": "soon"}],
)
def test_a_missing_or_unbelievable_reported_ath_is_ignored(tao, change):
    body = copy.deepcopy(GOOD)
    next(row for row in body if row["id"] == "bittensor").update(change)
    refresh_with(body)
    tao.refresh_from_db()
    assert (tao.provider_ath_usd, tao.provider_ath_at) == (None, None)
    m = TokenMetrics.objects.get(token=tao)
    assert (m.ath_usd, m.ath_at) == (164.27, at("2026-02-06T10:15:27Z"))


def test_without_a_reported_ath_the_highest_stored_price_is_the_ath(tao):
    snapshot_ingest(quotes=[Quote(tao.id, 1_770_000_000, 9.0), Quote(tao.id, 1_770_003_600, 7.0)],
                    source="csv")  # fmt: skip
    metrics_recompute(token_ids=[tao.id])
    m = TokenMetrics.objects.get(token=tao)
    assert (m.ath_usd, m.ath_at.timestamp()) == (9.0, 1_770_000_000)


def test_a_newer_reported_ath_replaces_the_older_one(tao):
    refresh_with(GOOD)
    body = copy.deepcopy(GOOD)
    row = next(row for row in body if row["id"] == "bittensor")
    row.update(ath=900.0, ath_date="2026-01-01T00:00:00.000Z", last_updated="2026-02-06T10:20:00Z")
    refresh_with(body)
    assert Token.objects.values_list("provider_ath_usd", flat=True).get(pk=tao.pk) == 900.0
    assert TokenMetrics.objects.get(token=tao).ath_usd == 900.0


def test_a_stored_price_equal_to_the_reported_ath_keeps_the_earlier_date(tao):
    snapshot_ingest(quotes=[Quote(tao.id, int(at("2025-12-01T00:00:00Z").timestamp()), 757.6)],
                    source="csv")  # fmt: skip
    refresh_with(GOOD)
    m = TokenMetrics.objects.get(token=tao)
    assert (m.ath_usd, m.ath_at) == (757.6, at("2024-03-07T18:45:36Z"))  # first reached then


@pytest.mark.parametrize("ath_date", ["2031-01-01T00:00:00.000Z", "2026-02-06T10:15:28.000Z"])
def test_it_rejects_a_reported_ath_dated_after_the_quote(tao, ath_date):
    """An all-time high CoinGecko dates after its own quote (last_updated 10:15:27) has not
    happened yet: it is not kept, and a reported ATH stored earlier stays."""
    refresh_with(GOOD)
    body = copy.deepcopy(GOOD)
    row = next(row for row in body if row["id"] == "bittensor")
    row.update(ath=900.0, ath_date=ath_date, last_updated="2026-02-06T10:15:27.911Z")
    refresh_with(body)
    tao.refresh_from_db()
    assert (tao.provider_ath_usd, tao.provider_ath_at) == (757.6, at("2024-03-07T18:45:36Z"))
    m = TokenMetrics.objects.get(token=tao)
    assert (m.ath_usd, m.ath_at) == (757.6, at("2024-03-07T18:45:36Z"))


def test_it_keeps_a_reported_ath_reached_at_the_quote_itself(tao):
    body = copy.deepcopy(GOOD)
    row = next(row for row in body if row["id"] == "bittensor")
    row.update(ath=164.27, ath_date="2026-02-06T10:15:27.999Z")
    refresh_with(body)
    tao.refresh_from_db()
    assert (tao.provider_ath_usd, tao.provider_ath_at) == (164.27, at("2026-02-06T10:15:27Z"))


def test_the_reported_ath_of_a_rejected_row_is_not_kept(tao):
    """Its date could come after the token's latest stored price, which the live figures
    would then measure against an ATH that had not happened yet."""
    body = copy.deepcopy(GOOD)
    next(row for row in body if row["id"] == "bittensor").update(
        {"current_price": None, "ath_date": "2026-02-06T10:15:00.000Z"}
    )
    refresh_with(body)
    tao.refresh_from_db()
    assert (tao.provider_ath_usd, tao.provider_ath_at) == (None, None)
