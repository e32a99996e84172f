"""GET /api/v1/tokens/ and /api/v1/tokens/<SYMBOL>/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from markets.services.metrics import metrics_recompute
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory
from tests.markets.api.conftest import token_with_change_7d

pytestmark = pytest.mark.django_db

URL = reverse("api:token-list")
# DESIGN.md "Token metrics", spelled out so a renamed field fails here.
DESIGN_TOKEN_METRICS = {
    "as_of", "price_usd", "market_cap_usd", "volume_24h_usd",
    "change_1h", "change_24h", "change_7d", "change_30d", "ath_usd", "ath_at",
    "drawdown_from_ath", "high_7d_usd", "low_7d_usd", "high_30d_usd", "low_30d_usd",
    "drawdown_7d", "drawdown_30d", "max_drawdown_30d", "max_drawdown_90d",
    "turnover", "beta_btc_30d", "corr_btc_30d",
}  # fmt: skip


def symbols(response) -> list[str]:
    return [row["symbol"] for row in response.json()["results"]]


@pytest.fixture
def four_tokens(db):
    """Two with a 7-day change, one with metrics but no 7-day change, one without metrics."""
    token_with_change_7d("AAA", -0.30)
    token_with_change_7d("BBB", -0.10)
    token_with_change_7d("CCC", None)
    TokenFactory(symbol="DDD")
    metrics_recompute()


def test_each_token_has_its_fields_and_the_metrics_named_as_in_the_design(api_client, ai_list):
    response = api_client.get(URL)
    assert response.status_code == 200
    tao = next(row for row in response.json()["results"] if row["symbol"] == "TAO")
    assert set(tao) == {"symbol", "name", "name_fr", "asset_class", "coingecko_id",
                        "is_benchmark", "url", "metrics"}  # fmt: skip
    assert tao["asset_class"] == "crypto"
    assert set(tao["metrics"]) == DESIGN_TOKEN_METRICS
    assert tao["name"] == "Bittensor"
    assert tao["url"] == "http://testserver/api/v1/tokens/TAO/"
    assert tao["metrics"]["change_7d"] == pytest.approx(-0.2341)
    assert tao["metrics"]["as_of"] == "2026-02-06T12:00:00Z"
    assert tao["metrics"]["change_30d"] is None


def test_a_token_whose_metrics_were_never_computed_has_null_metrics(api_client, ai_list):
    rows = {row["symbol"]: row for row in api_client.get(URL).json()["results"]}
    assert rows["ICP"]["metrics"] is None


def test_inactive_tokens_are_not_listed(api_client, ai_list):
    TokenFactory(symbol="OLD", is_active=False)
    assert symbols(api_client.get(URL)) == ["ICP", "NEAR", "TAO"]


@pytest.mark.parametrize("path", ["/api/v1/tokens/OLD/", "/api/v1/tokens/OLD/snapshots/"])
def test_an_inactive_token_is_a_404_like_its_page(api_client, client, ai_list, path):
    TokenFactory(symbol="OLD", is_active=False)

    assert api_client.get(path).status_code == 404
    assert client.get("/tokens/OLD/").status_code == 404


def test_ordering_by_change_7d_ascending_puts_the_deepest_fall_first_and_nulls_last(
    api_client, four_tokens
):
    assert symbols(api_client.get(URL, {"ordering": "change_7d"})) == ["AAA", "BBB", "CCC", "DDD"]


def test_ordering_by_change_7d_descending_still_puts_nulls_last(api_client, four_tokens):
    assert symbols(api_client.get(URL, {"ordering": "-change_7d"})) == ["BBB", "AAA", "CCC", "DDD"]


def test_ordering_by_name_or_descending_symbol(api_client, four_tokens):
    assert symbols(api_client.get(URL, {"ordering": "-symbol"})) == ["DDD", "CCC", "BBB", "AAA"]
    TokenFactory(symbol="ZZZ", name="Aardvark")
    assert symbols(api_client.get(URL, {"ordering": "name"}))[0] == "ZZZ"


def test_an_unknown_ordering_is_a_400_naming_the_parameter(api_client, four_tokens):
    response = api_client.get(URL, {"ordering": "password"})
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["ordering"]
    assert body["detail"].startswith("ordering:")


def test_the_list_filter_keeps_only_the_members_of_that_list(api_client, ai_list):
    TokenFactory(symbol="BTC")
    assert symbols(api_client.get(URL, {"list": "ai"})) == ["ICP", "NEAR", "TAO"]
    assert symbols(api_client.get(URL)) == ["BTC", "ICP", "NEAR", "TAO"]


def test_the_list_filter_combines_with_ordering(api_client, ai_list):
    assert symbols(api_client.get(URL, {"list": "ai", "ordering": "change_7d"})) == [
        "NEAR", "TAO", "ICP",
    ]  # fmt: skip


@pytest.mark.parametrize("slug", ["nope", "secret", "not a slug"])
def test_an_unknown_or_private_list_is_a_400_naming_the_parameter(api_client, ai_list, slug):
    MembershipFactory(token_list=TokenListFactory(slug="secret", is_public=False))
    response = api_client.get(URL, {"list": slug})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["list"]


def test_pages_follow_each_other(api_client, db):
    for n in range(5):
        TokenFactory(symbol=f"T{n}")
    first = api_client.get(URL, {"page_size": 2}).json()
    assert first["count"] == 5
    assert [row["symbol"] for row in first["results"]] == ["T0", "T1"]
    second = api_client.get(first["next"]).json()
    assert [row["symbol"] for row in second["results"]] == ["T2", "T3"]
    last = api_client.get(URL, {"page_size": 2, "page": 3}).json()
    assert [row["symbol"] for row in last["results"]] == ["T4"]
    assert last["next"] is None


def test_a_page_past_the_end_is_a_json_404(api_client, ai_list):
    response = api_client.get(URL, {"page": 9})
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"page_size": 201}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page": "two"}, "page"),
        ({"page": 0}, "page"),
        ({"format": "xml"}, "format"),
        ({"list": "a\x00b"}, "list"),
    ],
)
def test_a_bad_paging_or_format_parameter_is_a_400_naming_it(api_client, ai_list, params, name):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


def test_a_page_size_of_200_is_allowed(api_client, ai_list):
    assert api_client.get(URL, {"page_size": 200}).status_code == 200


def _queries_for_tokens(api_client, count: int) -> int:
    for n in range(count):
        token_with_change_7d(f"Q{n:03d}", -0.01 * (n % 7) if n % 3 else None)
    metrics_recompute()
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(URL, {"page_size": 200, "ordering": "-change_7d"})
    assert len(response.json()["results"]) == count
    return len(queries)


def test_the_token_list_takes_as_many_queries_for_50_tokens_as_for_5(api_client, db, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs, not what the cache saves
    few = _queries_for_tokens(api_client, 5)
    many = _queries_for_tokens(api_client, 45)  # 50 in all now
    assert few == many <= 2


# --- detail ----------------------------------------------------------------------------------


def test_a_token_is_found_by_its_symbol_in_any_case(api_client, ai_list):
    response = api_client.get(reverse("api:token-detail", kwargs={"symbol": "tao"}))
    assert response.status_code == 200
    body = response.json()
    assert body["symbol"] == "TAO"
    assert set(body["metrics"]) == DESIGN_TOKEN_METRICS
    assert body["metrics"]["change_7d"] == pytest.approx(-0.2341)
    assert body["snapshots_url"] == "http://testserver/api/v1/tokens/TAO/snapshots/"


def test_a_token_shows_the_public_lists_it_belongs_to(api_client, ai_list):
    tao = ai_list.members.get(symbol="TAO")
    MembershipFactory(token_list=TokenListFactory(slug="hidden", is_public=False), token=tao)
    body = api_client.get(reverse("api:token-detail", kwargs={"symbol": "TAO"})).json()
    assert body["lists"] == [
        {
            "slug": "ai",
            "name": "AI tokens",
            "name_fr": "",
            "url": "http://testserver/api/v1/lists/ai/",
        }
    ]


@pytest.mark.parametrize("symbol", ["NOPE", "TAO\x00", "X" * 300])
def test_an_unknown_symbol_is_a_json_404(api_client, ai_list, symbol):
    response = api_client.get(f"/api/v1/tokens/{symbol}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("path", ["/api/v1/tokens/{}/", "/api/v1/tokens/{}/snapshots/"])
@pytest.mark.parametrize("symbol", ["\u0131cp", "\u017fol"])  # dotless i, long s
def test_a_symbol_that_only_upper_cases_to_a_token_is_a_404_as_on_its_page(
    api_client, ai_list, path, symbol
):
    # "\u0131cp".upper() == "ICP": the token page (ASCII URLs only) is a 404, the API was a 200.
    TokenFactory(symbol="SOL")
    response = api_client.get(path.format(symbol))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_deactivated_token_is_a_404_and_the_schema_says_so(api_client, ai_list, openapi):
    # The operation's description said "A token (active or not)", the route answered 404.
    ai_list.members.filter(symbol="TAO").update(is_active=False)
    response = api_client.get(reverse("api:token-detail", kwargs={"symbol": "TAO"}))
    assert response.status_code == 404
    description = openapi["paths"]["/api/v1/tokens/{symbol}/"]["get"]["description"]
    assert "active or not" not in description
    assert "deactivated is a 404" in description


def test_a_token_detail_reads_in_two_queries(api_client, ai_list, django_assert_num_queries):
    with django_assert_num_queries(2):
        api_client.get(reverse("api:token-detail", kwargs={"symbol": "TAO"}))


# --- throttling ------------------------------------------------------------------------------


def test_too_many_anonymous_requests_get_a_429_with_retry_after(api_client, ai_list, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "2/min"})
    assert [api_client.get(URL).status_code for _ in range(2)] == [200, 200]
    response = api_client.get(URL)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]


def test_page_last_is_the_last_page(api_client, db):
    from tests.factories import TokenFactory

    for i in range(3):
        TokenFactory(symbol=f"L{i}")
    response = api_client.get("/api/v1/tokens/", {"page": "last", "page_size": 2})
    assert response.status_code == 200
    assert [t["symbol"] for t in response.json()["results"]] == ["L2"]
