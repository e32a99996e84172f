"""/tokens/<SYMBOL>/: stats, charts, every metric with its definition, freshness, API links."""

from datetime import timedelta

import pytest
import time_machine

from markets.models import Token
from markets.selectors import TOKEN_METRIC_FIELDS
from tests.markets.pages.conftest import END
from tests.markets.pages.html import MINUS, descendants, find, find_all, squash


def test_the_token_page_shows_the_tokens_header_stats(client, seeded):
    response = client.get("/tokens/TAO/")

    assert response.status_code == 200
    content = response.content
    assert squash(find(content, tag="h1").text) == "Bittensor TAO"
    assert "Bittensor (TAO)" in find(content, tag="title").text
    live = squash(find(content, id="token-live").text)
    assert "$164.00" in live
    assert f"{MINUS}23.41 %" in live
    assert f"{MINUS}10.69 %" in live
    assert "$147.00" in live


@pytest.mark.parametrize("symbol", ["tao", "Tao", "TAO"])
def test_the_symbol_is_case_insensitive(client, seeded, symbol):
    response = client.get(f"/tokens/{symbol}/")
    assert response.status_code == 200
    assert find(response.content, tag="link", rel="canonical").attrs["href"] == "/tokens/TAO/"


def test_an_unknown_token_is_not_found(client, seeded):
    response = client.get("/tokens/NOPE/")
    assert response.status_code == 404
    assert "Page not found" in find(response.content, tag="h1").text
    assert find(response.content, tag="a", href="/")


def test_the_not_found_page_speaks_french_too(client, seeded):
    response = client.get("/tokens/NOPE/", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert "Page introuvable" in find(response.content, tag="h1").text


def test_an_inactive_token_is_not_found(client, seeded):
    Token.objects.filter(symbol="AKT").update(is_active=False)
    assert client.get("/tokens/AKT/").status_code == 404


def test_the_metrics_table_lists_every_metric_with_its_definition(client, seeded):
    content = client.get("/tokens/TAO/").content

    rows = find_all(content, tag="tr", data_metric=True)

    assert [row.attrs["data-metric"] for row in rows] == TOKEN_METRIC_FIELDS
    definitions = find_all(content, tag="abbr", title=True)
    assert len(definitions) == len(TOKEN_METRIC_FIELDS)
    assert all(len(abbr.attrs["title"]) > 10 for abbr in definitions)
    turnover = find(content, tag="tr", data_metric="turnover")
    assert "24-hour volume divided by market cap." in squash(turnover.text)


def test_the_metrics_table_formats_each_kind_of_value(client, seeded):
    content = client.get("/tokens/TAO/").content

    def cell(name):
        return squash(find(content, tag="tr", data_metric=name).text)

    assert "$164.00" in cell("price_usd")
    assert f"▼ {MINUS}23.41 %" in cell("change_7d")
    assert "$147.00" in cell("low_7d_usd")
    assert "12:00 UTC" in cell("as_of")
    assert "21.00 %" in cell("turnover")  # the demo's end-of-episode turnover
    assert "B" in cell("market_cap_usd")


def test_fresh_live_data_show_their_time_without_a_warning(client, seeded, settings):
    settings.PRICE_PROVIDER = "coingecko"
    content = client.get("/tokens/TAO/").content
    freshness = find(content, tag="p", class_="freshness")
    assert squash(freshness.text) == "as of 12:00 UTC"
    assert find(content, tag="time").attrs["datetime"] == "2026-02-06T12:00:00+00:00"


def test_live_data_older_than_the_stale_limit_show_a_warning(client, demo, db, settings):
    """Demo data are judged by their last refresh instead: tests/markets/test_demo_clock.py."""
    settings.PRICE_PROVIDER = "coingecko"
    settings.STALE_AFTER_SECONDS = 900
    with time_machine.travel(END + timedelta(minutes=16), tick=False):
        content = client.get("/tokens/TAO/").content
    freshness = squash(find(content, tag="p", class_="freshness freshness--stale").text)
    assert freshness.startswith("as of 12:00 UTC")
    assert "Stale: no new prices for 16 minutes" in freshness


def test_live_data_just_inside_the_stale_limit_show_no_warning(client, demo, db, settings):
    settings.PRICE_PROVIDER = "coingecko"
    settings.STALE_AFTER_SECONDS = 900
    with time_machine.travel(END + timedelta(minutes=15), tick=False):
        content = client.get("/tokens/TAO/").content
    assert not find_all(content, class_="stale-warning")


def test_data_of_an_earlier_day_show_their_date(client, demo, db, settings):
    settings.PRICE_PROVIDER = "coingecko"
    with time_machine.travel(END + timedelta(days=2), tick=False):
        content = client.get("/tokens/TAO/").content
    assert squash(find(content, tag="time").text) == "as of Feb. 6, 2026, 12:00 UTC"


def test_demo_data_always_show_their_date_even_on_their_own_day(client, seeded):
    content = client.get("/tokens/TAO/").content
    assert squash(find(content, tag="time").text) == "as of Feb. 6, 2026, 12:00 UTC"


def test_the_page_links_to_the_api_for_this_token(client, seeded):
    content = client.get("/tokens/tao/").content
    assert find(content, tag="a", href="/api/v1/tokens/TAO/")
    assert find(content, tag="a", href="/api/v1/tokens/TAO/snapshots/")


def test_the_charts_have_stable_ids_range_buttons_and_the_url_of_their_data(client, seeded):
    content = client.get("/tokens/TAO/").content

    price_chart = find(content, id="price-chart")
    assert price_chart.attrs["data-url"] == "/tokens/TAO/chart.json"
    assert price_chart.attrs["data-points"] == "0"  # charts.js sets it after each draw
    assert find(content, id="underwater-chart").attrs["data-points"] == "0"
    buttons = find_all(content, tag="a", data_range=True)
    assert [b.attrs["data-range"] for b in buttons] == ["24h", "7d", "30d", "90d", "1y", "all"]
    assert [b.attrs["data-range"] for b in buttons if "aria-current" in b.attrs] == ["30d"]
    assert all(b.attrs["href"] == f"?range={b.attrs['data-range']}" for b in buttons)
    # No series in the page: charts.js loads the current range from data-url.
    assert price_chart.attrs["data-current-range"] == "30d"
    assert not find_all(content, id="price-chart-data")
    data = client.get(price_chart.attrs["data-url"], {"range": "30d"}).json()
    assert data["count"] == 30 * 24 + 1
    assert find(content, tag="script", src="/static/js/charts.js")
    assert find(
        content,
        tag="script",
        src="/static/vendor/lightweight-charts/lightweight-charts.standalone.production.js",
    )


def test_the_range_in_the_address_chooses_the_first_chart(client, seeded):
    content = client.get("/tokens/TAO/?range=7d").content
    assert find(content, id="price-chart").attrs["data-current-range"] == "7d"
    assert find(content, tag="a", data_range="7d").attrs["aria-current"] == "true"


def test_a_bad_range_in_the_address_falls_back_to_30_days(client, seeded):
    response = client.get("/tokens/TAO/?range=forever")
    assert response.status_code == 200
    assert find(response.content, id="price-chart").attrs["data-current-range"] == "30d"


def test_an_htmx_request_gets_the_live_stats_and_the_metrics_table_only(client, seeded):
    response = client.get("/tokens/TAO/", headers={"HX-Request": "true"})

    content = response.content.decode()
    assert "<html" not in content
    assert content.strip().startswith('<div id="token-live"')
    assert find(content, id="token-metrics").attrs["hx-swap-oob"] == "true"
    assert not find_all(content, id="price-chart")  # the chart keeps its range
    assert "HX-Request" in response["Vary"]


def test_the_full_page_does_not_mark_the_metrics_table_out_of_band(client, seeded):
    content = client.get("/tokens/TAO/").content
    assert "hx-swap-oob" not in find(content, id="token-metrics").attrs
    assert len(find_all(content, id="token-metrics")) == 1


def test_the_live_stats_poll_the_token_page_itself(client, seeded, settings):
    settings.LIVE_POLL_SECONDS = 20
    content = client.get("/tokens/tao/?range=7d").content
    (poller,) = find_all(content, hx_trigger=True)
    assert poller.attrs["hx-get"] == poller.attrs["href"] == "/tokens/tao/"
    assert poller.attrs["hx-target"] == "#token-live"
    assert "every 20s" in poller.attrs["hx-trigger"]


def test_every_hx_get_on_the_token_page_also_has_an_href(client, seeded):
    for headers in ({}, {"HX-Request": "true"}):
        elements = find_all(client.get("/tokens/TAO/", headers=headers).content, hx_get=True)
        assert elements
        for element in elements:
            assert element.attrs["href"] == element.attrs["hx-get"]


def test_a_token_without_prices_yet_has_a_friendly_page(client, empty):
    Token.objects.create(symbol="NEW", name="Newcomer")

    response = client.get("/tokens/NEW/")

    assert response.status_code == 200
    text = squash(response.content.decode())
    assert "No metrics yet for this token" in text
    assert "No prices stored yet." in text
    assert client.get("/tokens/NEW/chart.json").json()["count"] == 0


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ("provider", "higher")), ("fr", ("fournisseur", "plus élevé"))],
)
def test_the_ath_definitions_say_the_high_may_be_the_providers(client, seeded, language, words):
    # They said "Highest stored price." while the page showed a provider's ATH from years
    # before the first stored price.
    response = client.get("/tokens/TAO/", headers={"Accept-Language": language})

    rows = {}
    for th in find_all(response.content, tag="th", scope="row"):
        inner = {child.tag: child for child in descendants(th)}
        if "code" in inner and "abbr" in inner:
            rows[squash(inner["code"].text)] = inner["abbr"].attrs["title"]
    for field in ("ath_usd", "ath_at"):
        assert all(word in rows[field] for word in words), rows[field]
