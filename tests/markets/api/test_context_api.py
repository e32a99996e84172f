"""The read API's context data: tokens' asset class (and its filter), the Fear & Greed index."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.models import FearGreedDaily
from tests.factories import TokenFactory
from tests.markets.api.conftest import token_with_change_7d

TOKENS = "/api/v1/tokens/"
FEAR_GREED = "/api/v1/fear-greed/"


@pytest.fixture
def mixed(db):
    token_with_change_7d("TAO", -0.2341, name="Bittensor")
    token_with_change_7d("AMD", -0.185, name="AMD", coingecko_id="", asset_class="equity",
                         stooq_symbol="amd.us")  # fmt: skip
    TokenFactory(symbol="MSFT", coingecko_id="", asset_class="equity", stooq_symbol="msft.us")


def symbols(response) -> list[str]:
    return [row["symbol"] for row in response.json()["results"]]


def test_tokens_say_their_asset_class_in_list_and_detail(api_client, mixed):
    rows = {r["symbol"]: r for r in api_client.get(TOKENS).json()["results"]}
    assert {s: r["asset_class"] for s, r in rows.items()} == {
        "AMD": "equity", "MSFT": "equity", "TAO": "crypto",
    }  # fmt: skip
    assert api_client.get(f"{TOKENS}AMD/").json()["asset_class"] == "equity"


def test_the_asset_class_filter_keeps_only_that_class_and_combines_with_ordering(api_client, mixed):
    assert symbols(api_client.get(TOKENS, {"asset_class": "crypto"})) == ["TAO"]
    equities = api_client.get(TOKENS, {"asset_class": "equity", "ordering": "change_7d"})
    assert symbols(equities) == ["AMD", "MSFT"]  # MSFT has no metrics: last


def test_an_unknown_asset_class_is_a_400_naming_the_parameter(api_client, mixed):
    response = api_client.get(TOKENS, {"asset_class": "bond"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["asset_class"]


def test_list_members_say_their_asset_class(api_client, db):
    from markets.services.equities import ai_equities_setup

    ai_equities_setup()
    members = api_client.get("/api/v1/lists/ai-equities/").json()["members"]
    assert [(m["symbol"], m["asset_class"]) for m in members][:2] == [
        ("MSFT", "equity"), ("NVDA", "equity"),
    ]  # fmt: skip


def _days(n: int) -> None:
    FearGreedDaily.objects.bulk_create(
        FearGreedDaily(day=date(2026, 2, 6) - timedelta(days=i), value=(9 + 7 * i) % 101,
                       classification="Fear")
        for i in range(n)
    )  # fmt: skip


def test_the_fear_greed_index_comes_newest_first_in_pages(api_client, db):
    _days(60)

    response = api_client.get(FEAR_GREED)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 60 and len(body["results"]) == 50 and body["next"]
    assert body["results"][0] == {
        "day": "2026-02-06", "value": 9, "classification": "Fear", "source": "alternative.me",
    }  # fmt: skip
    assert body["results"][1]["day"] == "2026-02-05"
    last = api_client.get(body["next"]).json()["results"]
    assert last[-1]["day"] == "2025-12-09"


def test_the_fear_greed_index_is_empty_before_any_refresh(api_client, db):
    assert api_client.get(FEAR_GREED).json()["results"] == []


@pytest.mark.parametrize("params", [{"page_size": 0}, {"page": "two"}, {"format": "xml"}])
def test_a_bad_fear_greed_paging_parameter_is_a_400(api_client, db, params):
    response = api_client.get(FEAR_GREED, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == list(params)


@pytest.mark.parametrize("days", [5, 150])
def test_the_fear_greed_index_reads_in_one_query_whatever_the_rows(api_client, db, settings, days):
    settings.PAGE_CACHE_SECONDS = 0
    _days(days)
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(FEAR_GREED, {"page_size": 200})
    assert len(response.json()["results"]) == days
    assert len(queries) == 1  # the page: one that holds every row needs no COUNT


def test_the_schema_documents_the_fear_greed_route_and_the_asset_class(openapi):
    schema = openapi
    assert "/api/v1/fear-greed/" in schema["paths"]
    params = {p["name"]: p for p in schema["paths"]["/api/v1/tokens/"]["get"]["parameters"]}
    assert params["asset_class"]["schema"]["enum"] == ["crypto", "equity"]
    token = schema["components"]["schemas"]["Token"]["properties"]["asset_class"]
    assert "equity" in str(token)
