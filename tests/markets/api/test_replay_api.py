"""The read API at a past hour (?at=): the metrics of that hour, errors, cache, query counts."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.services.metrics import metrics_recompute
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory
from tests.markets.api.conftest import DAY, HOUR, T, store

NOW = T + HOUR  # the tests run just after the last stored price (2026-02-06T12:00Z)
AT = "2026-02-05T12:00Z"  # T - 1 day


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def history(db):
    """TAO: 100 → 90 (one day before T) → 81 (T); NEAR: 10 → 12 → 6; list "ai" of both."""
    tao, near = TokenFactory(symbol="TAO"), TokenFactory(symbol="NEAR")
    store(tao, [(T - 2 * DAY, 100.0, 1e9, 1e7), (T - DAY, 90.0, 9e8, 2e7), (T, 81.0, 8.1e8, 3e7)])
    store(near, [(T - 2 * DAY, 10.0, 1e8, 1e6), (T - DAY, 12.0, 1.2e8, 1e6), (T, 6.0, 6e7, 1e6)])
    ai = TokenListFactory(slug="ai", name="AI tokens")
    MembershipFactory(token_list=ai, token=tao, position=0)
    MembershipFactory(token_list=ai, token=near, position=1)
    metrics_recompute()


def test_a_token_at_a_past_hour_has_that_hours_metrics(api_client, history):
    body = api_client.get("/api/v1/tokens/TAO/", {"at": "2026-02-05T12:59:59+00:00"}).json()

    metrics = body["metrics"]
    assert metrics["as_of"] == "2026-02-05T12:00:00Z"  # floored to the hour
    assert metrics["price_usd"] == 90.0
    assert metrics["change_24h"] == pytest.approx(90 / 100 - 1)
    assert metrics["ath_usd"] == 100.0
    assert metrics["drawdown_from_ath"] == pytest.approx(-0.1)


def test_an_offset_is_converted_to_utc(api_client, history):
    body = api_client.get("/api/v1/tokens/TAO/", {"at": "2026-02-05T13:30+01:00"}).json()
    assert body["metrics"]["as_of"] == "2026-02-05T12:00:00Z"


def test_a_lower_case_z_is_utc_as_in_rfc_3339(api_client, history):
    response = api_client.get("/api/v1/tokens/TAO/", {"at": "2026-02-05T12:30z"})
    assert response.status_code == 200
    assert response.json()["metrics"]["as_of"] == "2026-02-05T12:00:00Z"


def test_the_token_listing_orders_by_the_metrics_of_that_hour(api_client, history):
    now = api_client.get("/api/v1/tokens/", {"ordering": "change_24h"}).json()["results"]
    then = api_client.get("/api/v1/tokens/", {"ordering": "change_24h", "at": AT}).json()

    assert [t["symbol"] for t in now] == ["NEAR", "TAO"]  # -50 % then -10 %
    assert [t["symbol"] for t in then["results"]] == ["TAO", "NEAR"]  # -10 % then +20 %
    assert then["results"][1]["metrics"]["change_24h"] == pytest.approx(0.2)


def test_a_list_at_a_past_hour_has_that_hours_sector_figures(api_client, history):
    body = api_client.get("/api/v1/lists/ai/", {"at": AT}).json()

    assert body["metrics"]["total_market_cap_usd"] == pytest.approx(9e8 + 1.2e8)
    assert body["metrics"]["cap_change_24h"] == pytest.approx((9e8 + 1.2e8) / (1e9 + 1e8) - 1)
    assert body["metrics"]["cap_series"][-1] == [T - DAY, pytest.approx(9e8 + 1.2e8)]
    assert [m["metrics"]["price_usd"] for m in body["members"]] == [90.0, 12.0]

    listing = api_client.get("/api/v1/lists/", {"at": AT}).json()["results"]
    assert listing[0]["metrics"]["total_market_cap_usd"] == pytest.approx(9e8 + 1.2e8)


def test_before_any_data_the_metrics_are_null(api_client, history):
    body = api_client.get("/api/v1/tokens/TAO/", {"at": "2020-01-01T00:00Z"}).json()
    assert body["metrics"] is None
    body = api_client.get("/api/v1/lists/ai/", {"at": "2020-01-01T00:00Z"}).json()
    assert body["metrics"]["as_of"] is None


def test_a_time_in_the_future_is_now(api_client, history):
    body = api_client.get("/api/v1/tokens/TAO/", {"at": "2030-01-01T00:00Z"}).json()
    assert body["metrics"]["as_of"] == "2026-02-06T12:00:00Z"


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-02-05T12:00", "2026-02-30T00:00Z", "0001-01-01T00:00+05:00", ""]
)
@pytest.mark.parametrize(
    "path", ["/api/v1/tokens/", "/api/v1/tokens/TAO/", "/api/v1/lists/", "/api/v1/lists/ai/"]
)
def test_a_bad_or_naive_time_is_a_400_naming_the_at_parameter(api_client, history, path, value):
    response = api_client.get(path, {"at": value})

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert list(body["errors"]) == ["at"]
    assert body["detail"].startswith("at: ")


def test_a_replayed_answer_is_cached_until_the_data_change(
    api_client, history, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0  # the replay's own cache, not the anonymous page cache
    api_client.get("/api/v1/tokens/TAO/", {"at": AT})
    with CaptureQueriesContext(connection) as cached:
        api_client.get("/api/v1/tokens/TAO/", {"at": AT})
    assert len(cached) == 2  # the token and its lists: no history read

    with django_capture_on_commit_callbacks(execute=True):
        metrics_recompute()  # after new data: a new data version
    with CaptureQueriesContext(connection) as recomputed:
        api_client.get("/api/v1/tokens/TAO/", {"at": AT})
    assert len(recomputed) > 2


def _listing_queries(api_client, extra: int) -> int:
    for n in range(extra):
        token = TokenFactory(symbol=f"Q{n:03d}")
        store(token, [(T - DAY, 10.0 + n, 1e6, 1e4), (T, 11.0, 1e6, 1e4)])
    metrics_recompute()
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(
            "/api/v1/tokens/", {"page_size": 200, "ordering": "-change_24h", "at": AT}
        )
    assert len(response.json()["results"]) == 2 + extra
    return len(queries)


def test_the_token_listing_at_a_past_hour_takes_as_many_queries_for_50_tokens_as_for_5(
    api_client, history, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    assert _listing_queries(api_client, 3) == _listing_queries(api_client, 45)


def test_a_list_at_a_past_hour_takes_as_many_queries_for_50_members_as_for_5(
    api_client, history, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    ai = TokenListFactory(slug="big", name="Big")
    counts = []
    for size, added in ((5, 5), (50, 45)):
        for n in range(added):
            token = TokenFactory(symbol=f"M{size}{n:03d}")
            store(token, [(T - DAY, 10.0, 1e6, 1e4), (T, 11.0, 1e6, 1e4)])
            MembershipFactory(token_list=ai, token=token, position=100 * size + n)
        with django_capture_on_commit_callbacks(execute=True):
            metrics_recompute()  # and a new data version: the replay is computed again
        with CaptureQueriesContext(connection) as queries:
            body = api_client.get("/api/v1/lists/big/", {"at": AT}).json()
        assert len(body["members"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_schema_documents_at_as_a_date_time_query_parameter(openapi):
    schema = openapi
    for path in ("/api/v1/tokens/", "/api/v1/tokens/{symbol}/", "/api/v1/lists/",
                 "/api/v1/lists/{slug}/"):  # fmt: skip
        parameters = schema["paths"][path]["get"]["parameters"]
        (at,) = [p for p in parameters if p["name"] == "at"]
        assert at["in"] == "query"
        assert at["schema"] == {"type": "string", "format": "date-time"}


def test_tokens_without_prices_by_that_hour_come_last_with_null_metrics(api_client, history):
    store(TokenFactory(symbol="ICP"), [(T, 3.0, 1e9, 1e7)])  # first priced after AT
    metrics_recompute()

    for ordering in ("change_24h", "-change_24h"):
        results = api_client.get("/api/v1/tokens/", {"ordering": ordering, "at": AT}).json()
        assert results["results"][-1]["symbol"] == "ICP"
        assert results["results"][-1]["metrics"] is None


def test_an_offset_typed_with_a_plain_plus_in_the_url_is_that_offset(api_client, history):
    # A "+" left unencoded in a query string reads as a space once decoded.
    body = api_client.get("/api/v1/tokens/TAO/?at=2026-02-05T13:30+01:00").json()
    assert body["metrics"]["as_of"] == "2026-02-05T12:00:00Z"
