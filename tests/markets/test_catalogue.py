"""Searching a provider's catalogue: CoinGecko's /search (recorded response) and the demo."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from markets.providers.base import ProviderError, TransientProviderError
from markets.providers.catalogue import CatalogueEntry, catalogue_search
from markets.providers.coingecko import CoinGeckoProvider
from markets.providers.demo import DemoProvider

FIXTURES = Path(__file__).parent / "fixtures" / "coingecko"
DEMO_URL = "https://api.coingecko.com/api/v3"


@pytest.fixture
def provider():
    return CoinGeckoProvider(api_key="k", plan="demo", timeout=5, max_retries=1, backoff=0,
                             sleep=lambda _s: None)  # fmt: skip


@pytest.fixture
def api():
    with respx.mock(base_url=DEMO_URL) as router:
        yield router


def test_it_reads_coingeckos_search_and_skips_malformed_coins(provider, api):
    route = api.get("/search", params={"query": "tao"}).respond(
        200, json=json.loads((FIXTURES / "search.json").read_text())
    )
    entries = catalogue_search(provider=provider, query="  tao ")

    assert route.call_count == 1
    assert entries == [
        CatalogueEntry("bittensor", "TAO", "Bittensor", 35),
        CatalogueEntry("taobank", "TBANK", "TAOBank", None),
        CatalogueEntry("tao-inu", "TAONU", "Tao Inu", 2456),
    ]


def test_the_same_query_is_answered_from_the_cache(provider, api):
    route = api.get("/search").respond(200, json={"coins": []})
    catalogue_search(provider=provider, query="Render")
    catalogue_search(provider=provider, query="render")
    assert route.call_count == 1


def test_an_empty_query_asks_nobody(provider, api):
    assert catalogue_search(provider=provider, query="   ") == []


def test_a_wrong_shape_is_a_provider_error(provider, api):
    api.get("/search").respond(200, json=[{"id": "bittensor"}])
    with pytest.raises(ProviderError, match="coins"):
        catalogue_search(provider=provider, query="tao")


def test_a_server_error_is_transient_after_the_retries(provider, api):
    api.get("/search").mock(return_value=httpx.Response(503))
    with pytest.raises(TransientProviderError):
        catalogue_search(provider=provider, query="tao")


def test_offline_the_demo_searches_the_bundled_tokens():
    names = [e.symbol for e in catalogue_search(provider=DemoProvider(), query="ren")]
    assert names == ["RENDER"]
    assert [e.coingecko_id for e in DemoProvider().search_catalogue("intern")] == [
        "internet-computer"
    ]


@pytest.mark.parametrize("coin_id", ["bittensor\n", "bittensor\n\n", "Bittensor", "bit tensor"])
def test_a_coin_id_with_a_trailing_line_break_is_not_spelt_like_one(coin_id):
    """The pattern ended in "$", which also matches before a final line break: an id
    "bittensor\\n" from the provider passed for a coin id, was stored with the token and sent
    in /coins/markets' ids, where no quote ever came back for it."""
    from markets.providers.catalogue import coin_id_is_valid, entries_from_coingecko

    assert not coin_id_is_valid(coin_id)
    coins = [{"id": coin_id, "symbol": "tao", "name": "Bittensor"}]
    assert entries_from_coingecko({"coins": coins}) == []
    assert coin_id_is_valid("bittensor") and coin_id_is_valid("render-token")
