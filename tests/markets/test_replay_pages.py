# ruff: noqa: F811 (the page fixtures imported below are used as test arguments)
"""Market pages at a past hour (?at=): banner, figures of that hour, links, errors, cache."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.cache import data_version_bump
from core.templatetags.formatting import usd
from markets.models import Token
from markets.services.replay import metrics_at
from tests.markets.pages.conftest import (  # noqa: F401 (fixtures)
    build_list,
    compiled_catalogues,
    demo,
    empty,
    seeded,
)
from tests.markets.pages.html import find, find_all, row_symbols, squash

AT = datetime(2026, 2, 5, 14, tzinfo=UTC)


def _replayed(symbol: str, at: datetime = AT):
    token = Token.objects.get(symbol=symbol)
    return metrics_at(at=at, token_ids=[token.pk]).tokens[token.pk]


def test_the_dashboard_at_a_past_hour_shows_a_replay_banner_and_that_hours_figures(client, seeded):
    response = client.get("/?at=2026-02-05T14:37%2B00:00")

    assert response.status_code == 200
    text = squash(response.content.decode())
    assert "As of Feb. 5, 2026, 14:00 UTC (replay)" in text  # floored to the hour
    banner = find(response.content, class_="replay-banner")
    assert banner.attrs["data-replay-at"] == "2026-02-05T14:00Z"
    assert find(response.content, tag="a", href="/", class_="btn btn--quiet")  # back to now
    tao = _replayed("TAO")
    assert tao.as_of == AT
    row = find(response.content, tag="tr", data_symbol="TAO")
    assert usd(tao.price_usd) in squash(row.text)
    live_price = Token.objects.get(symbol="TAO").metrics.price_usd
    assert usd(live_price) != usd(tao.price_usd)


def test_a_replayed_page_does_not_poll_and_its_market_links_keep_the_hour(client, seeded):
    content = client.get("/?at=2026-02-05T14:00Z").content

    assert not [e for e in find_all(content, hx_trigger=True) if "every" in e.attrs["hx-trigger"]]
    assert find(content, tag="a", href="/tokens/TAO/?at=2026-02-05T14:00Z")
    assert find(content, tag="a", href="/tokens/BTC/?at=2026-02-05T14:00Z")
    sort_links = find_all(content, hx_get=True, hx_target="#members")
    assert sort_links
    assert all("at=2026-02-05T14:00Z" in e.attrs["href"] for e in sort_links)


def test_a_replay_before_the_year_1000_links_and_charts_that_same_hour(client, seeded):
    response = client.get("/tokens/TAO/?at=0999-01-01T00:00Z")

    assert response.status_code == 200
    html = response.content.decode()
    assert "at=999-" not in html
    chart = find(response.content, id="price-chart")
    assert chart.attrs["data-at"] == "0999-01-01T00:00Z"
    assert client.get(f"{chart.attrs['data-url']}?at={chart.attrs['data-at']}").status_code == 200
    links = [
        e.attrs["href"]
        for e in find_all(response.content, tag="a")
        if "at=" in e.attrs.get("href", "")
    ]
    assert links and all("at=0999-01-01T00:00Z" in link for link in links)


def test_the_live_dashboard_still_polls_and_shows_the_replay_control(client, seeded):
    content = client.get("/").content

    assert [e for e in find_all(content, hx_trigger=True) if "every" in e.attrs["hx-trigger"]]
    control = find(content, data_replay_control=True)
    assert control.attrs["data-target"] == "#members"
    # 14 days of hours up to the latest data (6 Feb 12:00), the current one being the last.
    assert int(control.attrs["data-end"]) - int(control.attrs["data-start"]) == 14 * 86_400
    assert find(content, tag="a", href="/?at=2026-02-06T11:00Z")  # previous hour, no JS needed


def test_the_replay_controls_links_step_one_hour_either_way(client, seeded):
    content = client.get("/?at=2026-02-05T14:00Z").content

    assert find(content, tag="a", data_replay_step="-1").attrs["href"] == "/?at=2026-02-05T13:00Z"
    assert find(content, tag="a", data_replay_step="1").attrs["href"] == "/?at=2026-02-05T15:00Z"


def test_the_replay_controls_links_keep_the_tables_sort(client, seeded):
    content = client.get("/?at=2026-02-05T14:00Z&sort=change_24h&dir=asc").content

    previous = find(content, tag="a", data_replay_step="-1").attrs["href"]
    assert previous == "/?at=2026-02-05T13:00Z&sort=change_24h&dir=asc"  # was "/?at=…13:00Z"


def test_back_to_now_keeps_the_tables_sort(client, seeded):
    content = client.get("/lists/ai/?at=2026-02-05T14:00Z&sort=change_24h&dir=asc").content

    back = find_all(content, tag="a", class_="btn btn--quiet")
    assert "/lists/ai/?sort=change_24h&dir=asc" in [a.attrs["href"] for a in back]
    assert "/lists/ai/" not in [a.attrs["href"] for a in back]  # back to now, unsorted


def test_a_list_page_at_a_past_hour_sorts_by_that_hours_figures(client, seeded):
    response = client.get("/lists/ai/?at=2026-02-01T00:00Z&sort=change_7d&dir=asc")

    assert response.status_code == 200
    symbols = row_symbols(response.content)
    at = datetime(2026, 2, 1, tzinfo=UTC)
    changes = [_replayed(s, at).change_7d for s in symbols]
    assert changes == sorted(changes)


def test_the_lists_page_at_a_past_hour_shows_the_banner_and_links_keep_it(client, seeded):
    response = client.get("/lists/?at=2026-02-05T14:00Z")

    assert response.status_code == 200
    assert "As of Feb. 5, 2026, 14:00 UTC (replay)" in squash(response.content.decode())
    assert find(response.content, tag="a", href="/lists/ai/?at=2026-02-05T14:00Z")


def test_a_token_page_at_a_past_hour_shows_that_hours_metrics(client, seeded):
    response = client.get("/tokens/TAO/?at=2026-02-05T14:00Z")

    assert response.status_code == 200
    tao = _replayed("TAO")
    assert usd(tao.price_usd) == squash(find(response.content, data_field="price_usd").text)
    assert "(replay)" in squash(response.content.decode())


def test_a_time_before_any_data_says_there_is_no_data_then(client, seeded):
    response = client.get("/tokens/TAO/?at=2020-01-01T00:00Z")

    assert response.status_code == 200
    assert "No data at that time." in squash(response.content.decode())


@pytest.mark.parametrize("path", ["/", "/lists/", "/lists/ai/"])
def test_list_pages_before_any_data_render_without_figures(client, seeded, path):
    response = client.get(path, {"at": "2020-01-01T00:00Z"})

    assert response.status_code == 200
    assert "(replay)" in squash(response.content.decode())


def test_a_time_in_the_future_is_now_not_a_replay(client, seeded):
    response = client.get("/?at=2030-01-01T00:00Z")

    assert response.status_code == 200
    assert "(replay)" not in response.content.decode()


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-02-05T14:00", "2026-02-05", "2026-13-01T00:00Z"]
)
@pytest.mark.parametrize("path", ["/", "/lists/", "/lists/ai/", "/tokens/TAO/"])
def test_a_bad_or_naive_time_is_a_400_page_saying_what_to_give(client, seeded, path, value):
    response = client.get(path, {"at": value})

    assert response.status_code == 400
    text = squash(find(response.content, tag="section", class_="empty-state replay-error").text)
    assert "The at parameter must be an ISO 8601 time with a time zone" in text
    assert find(response.content, tag="a", href=path)


def test_the_replay_banner_is_in_french_for_french_visitors(client, seeded):
    client.cookies["django_language"] = "fr"
    response = client.get("/tokens/TAO/?at=2026-02-05T14:00Z")

    text = squash(response.content.decode())
    assert "Au 5 février 2026, 14:00 UTC (rejeu)" in text
    assert "Revenir à maintenant" in text


def test_a_replay_is_computed_once_per_hour_until_the_data_change(
    seeded, django_assert_num_queries
):
    token = Token.objects.get(symbol="TAO")
    first = metrics_at(at=AT, token_ids=[token.pk])

    with django_assert_num_queries(0):
        again = metrics_at(at=AT, token_ids=[token.pk])
    assert again.tokens[token.pk].price_usd == first.tokens[token.pk].price_usd

    data_version_bump()  # what a metrics recompute does after new data
    with CaptureQueriesContext(connection) as queries:
        metrics_at(at=AT, token_ids=[token.pk])
    assert len(queries) > 0


def test_a_token_page_at_a_past_hour_runs_three_queries_more_than_now_and_none_once_cached(
    client, seeded, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page itself is rendered each time
    client.get("/tokens/NEAR/?at=2026-02-04T10:00Z")  # warm what is not per request

    def queries(url: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured]

    now = queries("/tokens/TAO/")
    uncached = queries("/tokens/TAO/?at=2026-02-05T14:00Z")
    cached = queries("/tokens/TAO/?at=2026-02-05T14:00Z")
    # BTC's id, the ATH probe, the compacted-history probe and the history: one packed SELECT on
    # PostgreSQL, the latest snapshots then the rows elsewhere
    history = 1 if connection.vendor == "postgresql" else 2
    assert len(uncached) == len(now) + 3 + history
    assert len(cached) == len(now)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_list_page_at_a_past_hour_runs_the_same_queries_for_5_and_50_members(client, empty, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    counts = []
    for size in (5, 50):
        slug = f"list{size}"
        symbols = build_list(size, slug=slug, featured=False)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                f"/lists/{slug}/?at=2026-02-03T08:00Z&sort=drawdown_from_ath", headers=headers
            )
        assert response.status_code == 200
        assert sorted(row_symbols(response.content)) == sorted(symbols)
        counts.append(len(queries))
    assert counts[0] == counts[1]
