"""GET /api/v1/lists/ and /api/v1/lists/<slug>/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from markets.models import Token
from markets.services.metrics import metrics_recompute
from tests.factories import MembershipFactory, TokenListFactory
from tests.markets.api.conftest import T, token_with_change_7d

pytestmark = pytest.mark.django_db

URL = reverse("api:list-list")
# DESIGN.md "List (sector) metrics", spelled out so a renamed field fails here.
DESIGN_LIST_METRICS = {
    "as_of", "total_market_cap_usd", "cap_change_24h", "cap_change_7d",
    "equal_weight_change_24h", "equal_weight_change_7d",
    "members_count", "members_down_20_from_ath",
}  # fmt: skip


def detail_url(slug: str) -> str:
    return reverse("api:list-detail", kwargs={"slug": slug})


def test_public_lists_come_with_their_member_count_and_metrics(api_client, ai_list):
    TokenListFactory(slug="hidden", name="Hidden", is_public=False)
    TokenListFactory(slug="empty", name="Empty")
    body = api_client.get(URL).json()
    assert [row["slug"] for row in body["results"]] == ["ai", "empty"]
    ai, empty = body["results"]
    assert set(ai) == {
        "slug", "name", "name_fr", "description", "description_fr", "is_featured",
        "members_count", "url", "metrics",
    }  # fmt: skip
    assert (ai["members_count"], ai["is_featured"]) == (3, True)
    assert ai["url"] == "http://testserver/api/v1/lists/ai/"
    assert set(ai["metrics"]) == DESIGN_LIST_METRICS
    assert ai["metrics"]["total_market_cap_usd"] == pytest.approx(9e9 * 2)
    assert ai["metrics"]["members_down_20_from_ath"] == 2
    assert (empty["members_count"], empty["metrics"]) == (0, None)


def test_a_list_shows_its_members_in_position_order_each_with_metrics(api_client, ai_list):
    body = api_client.get(detail_url("ai")).json()
    assert [(m["position"], m["symbol"]) for m in body["members"]] == [
        (0, "TAO"), (1, "NEAR"), (2, "ICP"),
    ]  # fmt: skip
    tao, _, icp = body["members"]
    assert tao["metrics"]["change_7d"] == pytest.approx(-0.2341)
    assert tao["url"] == "http://testserver/api/v1/tokens/TAO/"
    assert icp["metrics"] is None
    assert body["members_count"] == 3


def test_the_list_metrics_carry_the_design_names_and_the_cap_series(api_client, ai_list):
    metrics = api_client.get(detail_url("ai")).json()["metrics"]
    assert set(metrics) == DESIGN_LIST_METRICS | {"cap_series"}
    assert metrics["cap_change_7d"] == pytest.approx(18e9 / 20e9 - 1)
    assert metrics["as_of"] == "2026-02-06T12:00:00Z"
    epoch, cap = metrics["cap_series"][-1]
    assert (epoch, cap) == (T, pytest.approx(18e9))


@pytest.mark.parametrize("slug", ["nope", "hidden", "bad\x00slug"])
def test_an_unknown_or_private_list_is_a_json_404(api_client, ai_list, slug):
    TokenListFactory(slug="hidden", is_public=False)
    response = api_client.get(f"/api/v1/lists/{slug}/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def _queries_for_list(api_client, slug: str, members: int) -> int:
    token_list = TokenListFactory(slug=slug)
    for n in range(members):
        token = token_with_change_7d(f"{slug.upper()}{n}", -0.02 * n)
        MembershipFactory(token_list=token_list, token=token, position=n)
    metrics_recompute()
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get(detail_url(slug)).json()
    assert len(body["members"]) == members
    return len(queries)


def test_a_list_takes_as_many_queries_for_30_members_as_for_3(api_client, db):
    assert _queries_for_list(api_client, "few", 3) == _queries_for_list(api_client, "many", 30) == 2


def test_the_list_index_takes_as_many_queries_for_many_lists(api_client, db, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs, not what the cache saves

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            api_client.get(URL)
        return len(captured)

    TokenListFactory()
    one = queries()
    for _ in range(10):
        MembershipFactory()
    assert queries() == one


def test_the_index_counts_the_active_members_as_the_list_itself_does(api_client, ai_list):
    Token.objects.filter(symbol="ICP").update(is_active=False)

    listed = api_client.get(URL).json()["results"][0]
    detail = api_client.get(detail_url("ai")).json()

    assert detail["members_count"] == 2
    assert listed["members_count"] == 2


def test_a_list_gives_its_french_name_and_description_as_the_pages_show_them(api_client, db):
    TokenListFactory(slug="ai", name="AI tokens", name_fr="Tokens IA", description="AI.",
                     description_fr="L\u2019IA.", is_public=True)  # fmt: skip
    for path in (URL, detail_url("ai")):
        body = api_client.get(path).json()
        row = body["results"][0] if "results" in body else body
        assert (row["name_fr"], row["description_fr"]) == ("Tokens IA", "L\u2019IA.")
