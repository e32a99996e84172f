"""StooqProvider against recorded CSV answers in Stooq's real shape; respx stands in for
the network."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
import respx

from markets.providers.base import ProviderError, TokenRef, TransientProviderError
from markets.providers.stooq import BASE_URL, StooqProvider, close_epoch, csv_parse

FIXTURES = Path(__file__).parent / "fixtures" / "stooq"
MSFT = TokenRef(id=11, symbol="MSFT", stooq_symbol="msft.us")
NVDA = TokenRef(id=12, symbol="NVDA", stooq_symbol="nvda.us")
MSFT_CSV = (FIXTURES / "msft_us_d.csv").read_text()
HEADER = "Date,Open,High,Low,Close,Volume\r\n"


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def provider(sleeps) -> StooqProvider:
    return StooqProvider(
        timeout=5.0, max_retries=2, backoff=1.0, sleep=sleeps.append,
        today=lambda: date(2026, 2, 6),
    )  # fmt: skip


def at_close(day: str) -> int:
    return int(datetime.fromisoformat(f"{day}T21:00:00+00:00").timestamp())


def test_each_close_is_stored_at_21_utc_of_its_trading_day():
    assert close_epoch(date(2026, 2, 6)) == int(datetime(2026, 2, 6, 21, tzinfo=UTC).timestamp())


def test_a_csv_gives_one_quote_per_trading_day_with_close_and_dollar_volume():
    result = csv_parse(MSFT_CSV, token=MSFT)

    assert result.rejected == 0 and len(result.quotes) == 10
    last = result.quotes[-1]
    assert (last.token_id, last.ts, last.price_usd) == (11, at_close("2026-02-06"), 395.06)
    assert last.volume_24h_usd == pytest.approx(49_233_018 * 395.06)
    assert last.market_cap_usd is None  # Stooq gives no market cap
    days = [datetime.fromtimestamp(q.ts, UTC).date() for q in result.quotes]
    assert all(day.weekday() < 5 for day in days)  # weekdays only
    # The article's "more than 8 % in five days": Jan 30 -> Feb 6.
    assert result.quotes[-1].price_usd / result.quotes[4].price_usd - 1 == pytest.approx(
        395.06 / 430.29 - 1
    )


def test_fetch_latest_asks_for_the_last_two_weeks_of_each_ticker(provider):
    with respx.mock() as router:
        route = router.get(BASE_URL).mock(return_value=httpx.Response(200, text=MSFT_CSV))
        result = provider.fetch_latest([MSFT])

    params = route.calls.last.request.url.params
    assert dict(params) == {"s": "msft.us", "i": "d", "d1": "20260127", "d2": "20260206"}
    assert len(result.quotes) == 10 and not result.errors


def test_fetch_history_maps_the_instants_to_a_day_range(provider):
    start = int(datetime(2025, 2, 6, 12, tzinfo=UTC).timestamp())
    end = int(datetime(2026, 2, 6, 12, tzinfo=UTC).timestamp())
    with respx.mock() as router:
        route = router.get(BASE_URL).mock(return_value=httpx.Response(200, text=MSFT_CSV))
        provider.fetch_history(MSFT, start=start, end=end)

    params = route.calls.last.request.url.params
    assert (params["d1"], params["d2"]) == ("20250206", "20260206")


def test_an_unknown_ticker_answers_no_data_and_spares_the_other_tickers(provider):
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params["s"] == "nvda.us":
            return httpx.Response(200, text="No data")
        return httpx.Response(200, text=MSFT_CSV)

    with respx.mock() as router:
        router.get(BASE_URL).mock(side_effect=answer)
        result = provider.fetch_latest([NVDA, MSFT])

    assert len(result.quotes) == 10
    assert result.errors == ["NVDA: nvda.us: no data (unknown ticker or empty range)"]
    assert result.transient is False


def test_the_daily_hits_limit_is_transient_and_not_retried_at_once(provider, sleeps):
    with respx.mock() as router:
        route = router.get(BASE_URL).mock(
            return_value=httpx.Response(200, text="Exceeded the daily hits limit")
        )
        with pytest.raises(TransientProviderError, match="daily hits limit"):
            provider.fetch_history(MSFT, start=at_close("2026-01-26"), end=at_close("2026-02-06"))

    assert route.call_count == 1 and sleeps == []


def test_an_html_page_instead_of_csv_is_an_error(provider):
    html = "<!DOCTYPE html><html><head><title>Stooq</title></head><body>…</body></html>"
    with respx.mock() as router:
        router.get(BASE_URL).mock(return_value=httpx.Response(200, text=html))
        with pytest.raises(ProviderError, match="HTML") as caught:
            provider.fetch_history(MSFT, start=at_close("2026-01-26"), end=at_close("2026-02-06"))

    assert not isinstance(caught.value, TransientProviderError)


def test_an_api_key_is_sent_when_configured():
    provider = StooqProvider(api_key="k3y", sleep=lambda s: None, today=lambda: date(2026, 2, 6))
    with respx.mock() as router:
        route = router.get(BASE_URL).mock(return_value=httpx.Response(200, text=MSFT_CSV))
        provider.fetch_latest([MSFT])

    assert route.calls.last.request.url.params["apikey"] == "k3y"


def test_the_keyless_html_answer_says_an_api_key_is_needed(provider):
    # What Stooq has answered clients without a key since 2026: HTML, with a 200.
    page = "<html><body>Get your apikey: https://stooq.com/q/d/?s=msft.us&get_apikey</body></html>"
    with respx.mock() as router:
        route = router.get(BASE_URL).mock(return_value=httpx.Response(200, text=page))
        result = provider.fetch_latest([MSFT])

    assert "apikey" not in route.calls.last.request.url.params
    assert result.errors == [
        "MSFT: msft.us: an HTML page instead of CSV (Stooq asks for an API key, STOOQ_API_KEY, "
        "or a browser check)"
    ]
    assert result.transient is False


def test_an_unexpected_header_is_an_error():
    with pytest.raises(ProviderError, match="unexpected CSV header"):
        csv_parse("Symbol,Date,Time\r\nMSFT.US,2026-02-06,22:00:00\r\n", token=MSFT)


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_429_and_5xx_are_retried_with_backoff_then_succeed(provider, sleeps, status):
    with respx.mock() as router:
        route = router.get(BASE_URL).mock(
            side_effect=[httpx.Response(status), httpx.Response(200, text=MSFT_CSV)]
        )
        result = provider.fetch_history(MSFT, start=0 + 10**9, end=at_close("2026-02-06"))

    assert route.call_count == 2 and sleeps == [1.0] and len(result.quotes) == 10


def test_a_retry_after_header_sets_the_wait(provider, sleeps):
    with respx.mock() as router:
        router.get(BASE_URL).mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "7"}),
                httpx.Response(200, text=MSFT_CSV),
            ]
        )
        provider.fetch_history(MSFT, start=10**9, end=at_close("2026-02-06"))

    assert sleeps == [7.0]


def test_timeouts_are_retried_a_capped_number_of_times_then_transient(provider, sleeps):
    with respx.mock() as router:
        route = router.get(BASE_URL).mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(TransientProviderError, match="gave up after 3 attempts"):
            provider.fetch_history(MSFT, start=10**9, end=at_close("2026-02-06"))

    assert route.call_count == 3 and sleeps == [1.0, 2.0]


def test_a_timeout_in_fetch_latest_is_reported_as_transient(provider):
    with respx.mock() as router:
        router.get(BASE_URL).mock(side_effect=httpx.ConnectError("down"))
        result = provider.fetch_latest([MSFT])

    assert result.quotes == [] and result.transient is True
    assert result.errors[0].startswith("MSFT: connection error")


def test_a_404_is_not_retried(provider, sleeps):
    with respx.mock() as router:
        route = router.get(BASE_URL).mock(return_value=httpx.Response(404, text="Not Found"))
        with pytest.raises(ProviderError, match="HTTP 404") as caught:
            provider.fetch_history(MSFT, start=10**9, end=at_close("2026-02-06"))

    assert route.call_count == 1 and sleeps == []
    assert not isinstance(caught.value, TransientProviderError)


def test_malformed_rows_are_skipped_counted_and_logged(caplog):
    text = HEADER + (
        "2026-02-02,428.9,431.5,419.4,421.02,45566120\r\n"
        "2026-02-03,420.3,424.88,411.75,,48710334\r\n"  # no close
        "2026-02-04,413.9,416.2,401.33,-4.1,52390871\r\n"  # negative close
        "2026-02-05,402.7,407.55,393.12,nan,57012455\r\n"  # not a number
        "06/02/2026,398.2,401.9,392.4,395.06,49233018\r\n"  # not an ISO date
        "2026-02-07,398.2,401.9,392.4,395.06,1000\r\n"  # a Saturday
        "2026-02-09,401.0\r\n"  # truncated
        "2026-02-10,399.1,402.0,396.2,400.5,not-a-volume\r\n"  # volume unknown, close kept
        "\r\n"
    )
    with caplog.at_level(logging.WARNING, logger="markets.providers"):
        result = csv_parse(text, token=MSFT)

    assert [q.price_usd for q in result.quotes] == [421.02, 400.5]
    assert result.quotes[1].volume_24h_usd is None
    assert result.rejected == 6
    assert "weekend date 2026-02-07" in caplog.text


def test_a_token_without_a_stooq_ticker_is_skipped_with_a_reason(provider):
    result = provider.fetch_latest([TokenRef(id=1, symbol="TAO", coingecko_id="bittensor")])

    assert result.quotes == [] and result.errors == ["TAO: no stooq_symbol, skipped"]


def test_an_empty_body_is_an_error():
    with pytest.raises(ProviderError, match="no data"):
        csv_parse("", token=MSFT)
