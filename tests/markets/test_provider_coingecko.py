"""CoinGeckoProvider against recorded responses; respx stands in for the network."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx
import time_machine

from markets.providers import provider_get
from markets.providers.base import ProviderError, Quote, TokenRef, TransientProviderError
from markets.providers.coingecko import CoinGeckoProvider

FIXTURES = Path(__file__).parent / "fixtures" / "coingecko"
DEMO_URL = "https://api.coingecko.com/api/v3"
PRO_URL = "https://pro-api.coingecko.com/api/v3"

TAO = TokenRef(id=1, symbol="TAO", coingecko_id="bittensor")
NEAR = TokenRef(id=2, symbol="NEAR", coingecko_id="near")
ICP = TokenRef(id=3, symbol="ICP", coingecko_id="internet-computer")
RENDER = TokenRef(id=4, symbol="RENDER", coingecko_id="render-token")
BTC = TokenRef(id=5, symbol="BTC", coingecko_id="bitcoin")
FET = TokenRef(id=6, symbol="FET", coingecko_id="artificial-superintelligence-alliance")
TOKENS = [TAO, NEAR, ICP, RENDER, BTC]
HISTORY_PATH = "/coins/bittensor/market_chart/range"


def load(name: str):
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_provider(sleeps):
    def make(**overrides) -> CoinGeckoProvider:
        options = {
            "api_key": "demo-key",
            "plan": "demo",
            "timeout": 5.0,
            "max_retries": 3,
            "backoff": 1.0,
            "sleep": sleeps.append,
        }
        return CoinGeckoProvider(**(options | overrides))

    return make


@pytest.fixture
def provider(make_provider) -> CoinGeckoProvider:
    return make_provider()


@pytest.fixture
def api():
    # assert_all_mocked (the default) fails any request that no route matches: no network.
    with respx.mock(base_url=DEMO_URL, assert_all_called=False) as router:
        yield router


def markets_ok() -> httpx.Response:
    return httpx.Response(200, json=load("coins_markets.json"))


def rows_for_requested_ids(request: httpx.Request) -> httpx.Response:
    """Answer /coins/markets with a copy of the TAO row for every requested id."""
    template = load("coins_markets.json")[1]
    ids = request.url.params["ids"].split(",")
    return httpx.Response(200, json=[template | {"id": i} for i in ids])


# Parsing /coins/markets


def test_it_parses_the_recorded_markets_response_into_quotes(api, provider):
    route = api.get("/coins/markets").mock(return_value=markets_ok())

    result = provider.fetch_latest(TOKENS)

    assert result.errors == []
    assert result.rejected == 0
    by_token = {q.token_id: q for q in result.quotes}
    assert set(by_token) == {1, 2, 3, 4, 5}
    # 2026-02-06T10:15:27.911Z, fraction dropped
    assert by_token[1] == Quote(1, 1_770_372_927, 164.27, 1_611_873_913, 213_845_127)
    assert by_token[5].ts == 1_770_372_932
    assert by_token[5].price_usd == 63112.0
    assert by_token[2].market_cap_usd == pytest.approx(1.388e9, rel=1e-3)
    params = route.calls.last.request.url.params
    assert params["vs_currency"] == "usd"
    assert params["ids"].split(",") == [t.coingecko_id for t in TOKENS]
    assert (params["per_page"], params["page"], params["precision"]) == ("250", "1", "full")


def test_it_sends_the_demo_key_header_to_the_demo_url(api, provider):
    route = api.get("/coins/markets").mock(return_value=markets_ok())

    provider.fetch_latest([TAO])

    request = route.calls.last.request
    assert str(request.url).startswith(f"{DEMO_URL}/coins/markets?")
    assert request.headers["x-cg-demo-api-key"] == "demo-key"
    assert "x-cg-pro-api-key" not in request.headers


def test_it_uses_the_pro_url_and_pro_header_for_the_pro_plan(make_provider):
    provider = make_provider(plan="pro", api_key="pro-key")
    with respx.mock(base_url=PRO_URL) as pro_api:
        route = pro_api.get("/coins/markets").mock(return_value=markets_ok())

        result = provider.fetch_latest([TAO])

    assert len(result.quotes) == 1
    request = route.calls.last.request
    assert request.headers["x-cg-pro-api-key"] == "pro-key"
    assert "x-cg-demo-api-key" not in request.headers


def test_it_sends_no_key_header_when_no_key_is_set(api, make_provider):
    route = api.get("/coins/markets").mock(return_value=markets_ok())

    make_provider(api_key="").fetch_latest([TAO])

    headers = route.calls.last.request.headers
    assert "x-cg-demo-api-key" not in headers
    assert "x-cg-pro-api-key" not in headers


def test_it_applies_the_configured_timeout_to_an_injected_client(api, make_provider):
    route = api.get("/coins/markets").mock(return_value=markets_ok())

    with httpx.Client() as client:
        make_provider(client=client, timeout=2.5).fetch_latest([TAO])

    assert route.calls.last.request.extensions["timeout"]["read"] == 2.5


def test_it_batches_600_ids_into_3_requests_of_at_most_250(api, provider):
    route = api.get("/coins/markets").mock(side_effect=rows_for_requested_ids)
    tokens = [TokenRef(id=n, symbol=f"T{n}", coingecko_id=f"coin-{n}") for n in range(600)]

    result = provider.fetch_latest(tokens)

    batches = [call.request.url.params["ids"].split(",") for call in route.calls]
    assert [len(batch) for batch in batches] == [250, 250, 100]
    assert sorted(i for batch in batches for i in batch) == sorted(t.coingecko_id for t in tokens)
    assert len(result.quotes) == 600
    assert result.errors == []


def test_it_rejects_and_counts_each_bad_row_while_keeping_the_good_one(api, provider, caplog):
    api.get("/coins/markets").mock(
        return_value=httpx.Response(200, json=load("coins_markets_bad_rows.json"))
    )

    with caplog.at_level(logging.WARNING):
        result = provider.fetch_latest([*TOKENS, FET])

    assert [q.token_id for q in result.quotes] == [TAO.id]
    assert result.rejected == 5
    assert result.errors == []
    rejected_text = caplog.text
    for reason in ("missing price", "positive number", "absurdly large", "volume negative"):
        assert reason in rejected_text


@pytest.mark.parametrize("last_updated", [None, "", "yesterday", 1_770_372_927])
def test_it_rejects_a_row_without_a_parseable_last_updated(api, provider, last_updated):
    row = load("coins_markets.json")[1] | {"last_updated": last_updated}
    api.get("/coins/markets").mock(return_value=httpx.Response(200, json=[row]))

    result = provider.fetch_latest([TAO])

    assert result.quotes == []
    assert result.rejected == 1


def test_it_names_requested_ids_missing_from_the_response(api, provider, caplog):
    api.get("/coins/markets").mock(return_value=markets_ok())
    ghost = TokenRef(id=99, symbol="GHOST", coingecko_id="ghost-coin")

    with caplog.at_level(logging.INFO, logger="markets.providers.coingecko"):
        result = provider.fetch_latest([TAO, ghost])

    assert [q.token_id for q in result.quotes] == [TAO.id]
    assert result.errors == ["not quoted by CoinGecko (unknown id?): GHOST (ghost-coin)"]
    assert not result.transient
    assert result.rejected == 0
    assert "ghost-coin" in caplog.text


def test_tokens_without_a_coingecko_id_are_skipped(api, provider):
    route = api.get("/coins/markets").mock(return_value=markets_ok())
    unlisted = TokenRef(id=50, symbol="NOID")

    result = provider.fetch_latest([TAO, unlisted])

    assert route.calls.last.request.url.params["ids"] == "bittensor"
    assert [q.token_id for q in result.quotes] == [TAO.id]
    assert len(result.errors) == 1
    assert "NOID" in result.errors[0]
    assert result.transient is False


def test_it_makes_no_request_when_no_token_has_a_coingecko_id(api, provider):
    route = api.get("/coins/markets")

    result = provider.fetch_latest([TokenRef(id=50, symbol="NOID")])

    assert route.call_count == 0
    assert result.quotes == []
    assert len(result.errors) == 1


# Retries


def test_it_retries_429_then_succeeds_honouring_retry_after(api, provider, sleeps):
    route = api.get("/coins/markets").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), markets_ok()]
    )

    result = provider.fetch_latest(TOKENS)

    assert route.call_count == 2
    assert sleeps == [7.0]
    assert len(result.quotes) == 5
    assert result.errors == []


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("3600", 60.0), ("soon", 1.0), ("-5", 1.0), (None, 1.0)],
)
def test_it_caps_retry_after_and_falls_back_to_backoff_when_not_numeric(
    api, provider, sleeps, retry_after, expected
):
    headers = {"Retry-After": retry_after} if retry_after else {}
    api.get("/coins/markets").mock(side_effect=[httpx.Response(429, headers=headers), markets_ok()])

    provider.fetch_latest([TAO])

    assert sleeps == [expected]


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        ("Wed, 21 Oct 2026 07:28:20 GMT", 20.0),  # an HTTP date 20 s ahead
        ("Wed, 21 Oct 2026 09:00:00 GMT", 60.0),  # far ahead: capped
        ("Wed, 21 Oct 2026 07:00:00 GMT", 0.0),  # already past: no wait
        ("Wed, 21 Oct 2026 07:28:05 -0000", 5.0),  # the obsolete zone form
    ],
)
def test_it_honours_a_retry_after_given_as_an_http_date(
    api, provider, sleeps, retry_after, expected
):
    route = api.get("/coins/markets").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": retry_after}), markets_ok()]
    )

    with time_machine.travel(datetime(2026, 10, 21, 7, 28, tzinfo=UTC), tick=False):
        result = provider.fetch_latest([TAO])

    assert route.call_count == 2
    assert sleeps == [expected]
    assert len(result.quotes) == 1


def test_it_honours_retry_after_on_a_503_too(api, provider, sleeps):
    """RFC 9110 gives Retry-After to 503 (maintenance) as well as 429."""
    api.get("/coins/markets").mock(
        side_effect=[httpx.Response(503, headers={"Retry-After": "7"}), markets_ok()]
    )

    provider.fetch_latest([TAO])

    assert sleeps == [7.0]


def test_it_retries_5xx_with_growing_capped_backoff(api, make_provider, sleeps):
    provider = make_provider(backoff=10.0, max_retries=5)
    failures = [httpx.Response(status) for status in (500, 502, 503, 504, 500)]
    route = api.get("/coins/markets").mock(side_effect=[*failures, markets_ok()])

    result = provider.fetch_latest(TOKENS)

    assert route.call_count == 6
    assert sleeps == [10.0, 20.0, 40.0, 60.0, 60.0]
    assert len(result.quotes) == 5


def test_it_gives_up_after_max_retries_with_a_transient_error_in_the_result(
    api, make_provider, sleeps
):
    provider = make_provider(max_retries=2)
    route = api.get("/coins/markets").mock(return_value=httpx.Response(503))

    result = provider.fetch_latest(TOKENS)

    assert route.call_count == 3
    assert sleeps == [1.0, 2.0]
    assert result.quotes == []
    assert len(result.errors) == 1
    assert "503" in result.errors[0]
    assert result.transient is True


def test_a_batch_that_gives_up_names_its_tokens_symbols_not_its_first_id(
    api, make_provider, sleeps
):
    provider = make_provider(max_retries=0)
    api.get("/coins/markets").mock(return_value=httpx.Response(503))

    result = provider.fetch_latest(TOKENS)

    assert result.errors == [
        "no quotes for 5 tokens (TAO, NEAR, ICP, RENDER, BTC): "
        "/coins/markets: HTTP 503 (gave up after 1 attempts)"
    ]


def test_a_big_batch_that_gives_up_names_the_first_few_symbols_and_counts_the_rest(
    api, make_provider, sleeps
):
    provider = make_provider(max_retries=0)
    tokens = [TokenRef(id=i, symbol=f"AI{i}", coingecko_id=f"coin-{i}") for i in range(1, 13)]
    api.get("/coins/markets").mock(return_value=httpx.Response(503))

    result = provider.fetch_latest(tokens)

    (error,) = result.errors
    assert error.startswith("no quotes for 12 tokens (AI1, AI2, AI3, AI4, AI5 and 7 more): ")
    assert "coin-" not in error


def test_fetch_history_raises_a_transient_error_after_max_retries(api, make_provider, sleeps):
    provider = make_provider(max_retries=2)
    route = api.get(HISTORY_PATH).mock(return_value=httpx.Response(429))

    with pytest.raises(TransientProviderError):
        provider.fetch_history(TAO, start=1_770_163_200, end=1_770_292_800)

    assert route.call_count == 3
    assert sleeps == [1.0, 2.0]


@pytest.mark.parametrize(
    "exception",
    [httpx.ConnectTimeout, httpx.ReadTimeout, httpx.ConnectError, httpx.RemoteProtocolError],
)
def test_timeouts_and_connection_errors_are_transient(api, make_provider, sleeps, exception):
    provider = make_provider(max_retries=1)
    api.get("/coins/markets").mock(side_effect=exception)
    api.get(HISTORY_PATH).mock(side_effect=exception)

    result = provider.fetch_latest(TOKENS)
    with pytest.raises(TransientProviderError):
        provider.fetch_history(TAO, start=1_770_163_200, end=1_770_292_800)

    assert result.transient is True
    assert len(result.errors) == 1
    assert sleeps == [1.0, 1.0]


def test_a_timeout_that_clears_on_retry_still_gives_quotes(api, provider, sleeps):
    api.get("/coins/markets").mock(side_effect=[httpx.ReadTimeout("slow"), markets_ok()])

    result = provider.fetch_latest(TOKENS)

    assert len(result.quotes) == 5
    assert sleeps == [1.0]


# Non-transient failures


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>Cloudflare</html>"),
        httpx.Response(200, json={"status": {"error_code": 10002}}),
        httpx.Response(404, json={"error": "coin not found"}),
        httpx.Response(401, json={"status": {"error_message": "invalid key"}}),
    ],
    ids=["invalid-json", "wrong-shape", "404", "401"],
)
def test_bad_markets_responses_are_non_transient_and_not_retried(api, provider, sleeps, response):
    route = api.get("/coins/markets").mock(return_value=response)

    result = provider.fetch_latest(TOKENS)

    assert route.call_count == 1
    assert sleeps == []
    assert result.quotes == []
    assert len(result.errors) == 1
    assert result.transient is False


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="not json"),
        httpx.Response(200, json={"market_caps": [], "total_volumes": []}),
        httpx.Response(200, json=[[1_770_163_374_781, 203.5]]),
        httpx.Response(404, json={"error": "coin not found"}),
    ],
    ids=["invalid-json", "no-prices", "list-body", "404"],
)
def test_bad_history_responses_raise_a_non_transient_error(api, provider, sleeps, response):
    route = api.get(HISTORY_PATH).mock(return_value=response)

    with pytest.raises(ProviderError) as caught:
        provider.fetch_history(TAO, start=1_770_163_200, end=1_770_292_800)

    assert not isinstance(caught.value, TransientProviderError)
    assert route.call_count == 1
    assert sleeps == []


def test_one_failing_batch_keeps_the_other_batches_quotes(api, make_provider):
    provider = make_provider(max_retries=0)
    route = api.get("/coins/markets").mock(
        side_effect=[rows_for_requested_ids, httpx.Response(503), rows_for_requested_ids]
    )
    tokens = [TokenRef(id=n, symbol=f"T{n}", coingecko_id=f"coin-{n}") for n in range(600)]

    result = provider.fetch_latest(tokens)

    assert route.call_count == 3
    assert len(result.quotes) == 350
    assert {q.token_id for q in result.quotes} == set(range(250)) | set(range(500, 600))
    assert len(result.errors) == 1
    assert "250 tokens (T250, T251, T252, T253, T254 and 245 more)" in result.errors[0]
    assert result.transient is True


# History


def test_history_joins_caps_and_volumes_by_timestamp_and_converts_ms_to_seconds(api, provider):
    body = load("market_chart_range.json")
    route = api.get(HISTORY_PATH).mock(return_value=httpx.Response(200, json=body))

    result = provider.fetch_history(TAO, start=1_770_163_200, end=1_770_292_800)

    assert result.rejected == 0
    assert len(result.quotes) == len(body["prices"]) == 36
    for quote, (ms, price), (_, cap), (_, volume) in zip(
        result.quotes, body["prices"], body["market_caps"], body["total_volumes"], strict=True
    ):
        assert quote == Quote(TAO.id, ms // 1000, price, cap, volume)
    assert result.quotes[0].ts == 1_770_163_374
    params = route.calls.last.request.url.params
    assert (params["vs_currency"], params["from"], params["to"]) == (
        "usd",
        "1770163200",
        "1770292800",
    )
    assert params["precision"] == "full"


def test_history_leaves_cap_and_volume_empty_where_their_series_has_no_point(api, provider):
    body = load("market_chart_range.json")
    missing_ms = body["prices"][3][0]
    body["market_caps"] = [p for p in body["market_caps"] if p[0] != missing_ms]
    del body["total_volumes"]
    api.get(HISTORY_PATH).mock(return_value=httpx.Response(200, json=body))

    result = provider.fetch_history(TAO, start=1_770_163_200, end=1_770_292_800)

    assert len(result.quotes) == 36
    gap = next(q for q in result.quotes if q.ts == missing_ms // 1000)
    assert gap.market_cap_usd is None
    assert all(q.volume_24h_usd is None for q in result.quotes)
    assert sum(q.market_cap_usd is not None for q in result.quotes) == 35


def test_history_rejects_bad_points_and_keeps_the_rest(api, provider):
    body = load("market_chart_range.json")
    body["prices"][0][1] = -1.0
    body["prices"][1][1] = None
    body["prices"].append("garbage")
    body["prices"].append([None, 150.0])
    api.get(HISTORY_PATH).mock(return_value=httpx.Response(200, json=body))

    result = provider.fetch_history(TAO, start=1_770_163_200, end=1_770_292_800)

    assert len(result.quotes) == 34
    assert result.rejected == 4


def test_history_for_a_token_without_a_coingecko_id_raises_without_a_request(api, provider):
    with pytest.raises(ProviderError):
        provider.fetch_history(TokenRef(id=50, symbol="NOID"), start=1, end=2)


# Settings


def test_from_settings_reads_the_coingecko_settings(settings, api):
    settings.COINGECKO_API_KEY = "settings-key"
    settings.COINGECKO_API_PLAN = "demo"
    settings.COINGECKO_TIMEOUT_SECONDS = 3.0
    settings.COINGECKO_MAX_RETRIES = 0
    settings.COINGECKO_BACKOFF_SECONDS = 0.5
    route = api.get("/coins/markets").mock(return_value=httpx.Response(503))

    provider = CoinGeckoProvider.from_settings()
    result = provider.fetch_latest([TAO])
    provider.close()

    assert route.call_count == 1  # max_retries=0: no retry, so no real sleep either
    request = route.calls.last.request
    assert request.headers["x-cg-demo-api-key"] == "settings-key"
    assert request.extensions["timeout"]["read"] == 3.0
    assert result.transient is True


def test_an_unknown_plan_is_a_configuration_error(make_provider):
    with pytest.raises(ValueError, match="plan"):
        make_provider(plan="enterprise")


def test_the_module_level_factory_builds_a_provider_through_provider_get(settings):
    settings.COINGECKO_API_PLAN = "pro"
    provider = provider_get("markets.providers.coingecko.from_settings")

    assert isinstance(provider, CoinGeckoProvider)
    assert provider.name == "coingecko"
    provider.close()


@pytest.mark.parametrize("field", ["current_price", "market_cap", "total_volume", "ath"])
def test_it_refuses_a_json_boolean_where_a_number_belongs(api, provider, field):
    """float(True) is 1.0: a row with "current_price": true was stored as a 1 $ quote."""
    row = load("coins_markets.json")[1] | {field: True}
    api.get("/coins/markets").mock(return_value=httpx.Response(200, json=[row]))

    result = provider.fetch_latest([TAO])

    if field == "ath":
        assert len(result.quotes) == 1 and result.aths == {}
    else:
        assert result.quotes == [] and result.rejected == 1
