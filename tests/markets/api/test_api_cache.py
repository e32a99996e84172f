"""Anonymous API reads come from the cache until the market data change; throttling and
errors work as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token as ApiToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from markets.models import Token, TokenMetrics
from markets.services.metrics import metrics_recompute
from tests.markets.api.conftest import HOUR, T, store

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/tokens/",
    "/api/v1/tokens/?list=ai&ordering=-change_7d&page_size=2",
    "/api/v1/tokens/TAO/",
    "/api/v1/lists/",
    "/api/v1/lists/ai/",
]


def queries_for(client, url: str, **extra) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return len(queries), response


@pytest.mark.parametrize("url", READS)
def test_a_second_anonymous_read_runs_no_query(api_client, ai_list, url):
    first = api_client.get(url)
    assert first.status_code == 200

    count, second = queries_for(api_client, url)

    assert count == 0
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"


def test_recomputed_metrics_show_at_once(api_client, ai_list, django_capture_on_commit_callbacks):
    assert api_client.get("/api/v1/tokens/TAO/").json()["metrics"]["price_usd"] == 76.59
    tao = Token.objects.get(symbol="TAO")

    store(tao, [(T + HOUR, 80.0, 9e9, 2e8)])
    with django_capture_on_commit_callbacks(execute=True):
        metrics_recompute(token_ids=[tao.pk])

    assert api_client.get("/api/v1/tokens/TAO/").json()["metrics"]["price_usd"] == 80.0
    listed = api_client.get("/api/v1/tokens/").json()["results"]
    assert next(t for t in listed if t["symbol"] == "TAO")["metrics"]["price_usd"] == 80.0


def test_token_authenticated_clients_always_get_fresh_data(api_client, ai_list, django_user_model):
    assert api_client.get("/api/v1/tokens/TAO/").json()["metrics"]["price_usd"] == 76.59
    TokenMetrics.objects.filter(token__symbol="TAO").update(price_usd=99.0)  # no new version
    ann = django_user_model.objects.create_user("ann", "ann@example.org", "password")
    signed_in = APIClient()
    signed_in.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.objects.create(user=ann).key}")

    assert signed_in.get("/api/v1/tokens/TAO/").json()["metrics"]["price_usd"] == 99.0
    assert api_client.get("/api/v1/tokens/TAO/").json()["metrics"]["price_usd"] == 76.59
    assert signed_in.get("/api/v1/tokens/TAO/").json()["metrics"]["price_usd"] == 99.0


def test_throttling_still_applies_to_cached_answers(api_client, ai_list, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})
    statuses = [api_client.get("/api/v1/tokens/TAO/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_errors_are_not_cached(api_client, ai_list):
    assert api_client.get("/api/v1/tokens/NEWT/").status_code == 404
    Token.objects.create(symbol="NEWT", name="Newt")
    assert api_client.get("/api/v1/tokens/NEWT/").status_code == 200

    for _ in range(2):
        response = api_client.get("/api/v1/tokens/", {"page_size": 0})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["page_size"]


def test_links_are_those_of_the_host_asked(api_client, ai_list):
    here = api_client.get("/api/v1/tokens/TAO/").json()
    there = api_client.get("/api/v1/tokens/TAO/", HTTP_HOST="localhost").json()
    assert here["url"] == "http://testserver/api/v1/tokens/TAO/"
    assert there["url"] == "http://localhost/api/v1/tokens/TAO/"


def test_an_indented_answer_and_a_compact_one_do_not_mix(api_client, ai_list):
    for _ in range(2):
        indented = api_client.get("/api/v1/lists/", HTTP_ACCEPT="application/json; indent=4")
        compact = api_client.get("/api/v1/lists/")
        assert b'\n    "count"' in indented.content
        assert b"\n" not in compact.content


def test_other_queries_get_other_answers(api_client, ai_list):
    by_change = api_client.get("/api/v1/tokens/", {"ordering": "change_7d"}).json()["results"]
    by_symbol = api_client.get("/api/v1/tokens/").json()["results"]
    assert [t["symbol"] for t in by_change] == ["NEAR", "TAO", "ICP"]
    assert [t["symbol"] for t in by_symbol] == ["ICP", "NEAR", "TAO"]


def test_a_parameter_the_view_does_not_read_bypasses_the_cache(api_client, ai_list):
    api_client.get("/api/v1/tokens/", {"nonsense": "1"})
    count, response = queries_for(api_client, "/api/v1/tokens/", data={"nonsense": "1"})
    assert response.status_code == 200
    assert count > 0


def test_snapshots_are_not_cached(api_client, ai_list):
    url = "/api/v1/tokens/TAO/snapshots/"
    api_client.get(url)
    assert queries_for(api_client, url)[0] > 0


def test_a_parameter_given_twice_in_another_order_is_not_served_the_cached_answer(
    api_client, ai_list
):
    """The last value counts: ?page_size=300&page_size=5 is a page of 5, ?page_size=5&
    page_size=300 a 400. The cache key sorted the values too, so once the first was cached
    the second got its 200."""
    assert api_client.get("/api/v1/tokens/?page_size=300&page_size=5").status_code == 200

    response = api_client.get("/api/v1/tokens/?page_size=5&page_size=300")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]
