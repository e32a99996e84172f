"""Events and levels drawn on the charts of the apps below, through core/charts.py."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core import charts as core_charts
from core.times import datetime_text
from episodes.models import Event, Level
from episodes.selectors import chart_annotations_provide
from markets.models import Token, TokenList
from tests.episodes.conftest import END, START, at


def event(hours: int, title: str, *, tokens=(), lists=(), title_fr: str = "") -> Event:
    made = Event.objects.create(at=at(hours), title=title, title_fr=title_fr)
    made.tokens.set(tokens)
    made.lists.set(lists)
    return made


def titles(annotations: dict) -> list[str]:
    return [marker["title"] for marker in annotations["markers"]]


def test_the_registry_merges_providers_with_markers_in_time_order(monkeypatch):
    monkeypatch.setattr(core_charts, "_providers", [])

    def late(**_kw):
        return {"markers": [{"time": 20, "title": "late"}], "bands": [{"low": 1, "high": 2}]}

    def early(**_kw):
        return {"markers": [{"time": 10, "title": "early"}]}

    for provider in (late, early, late):
        core_charts.chart_annotations_register(provider)
    found = core_charts.chart_annotations(kind="token", obj=None, start=START, end=END)
    assert titles(found) == ["early", "late"]
    assert found["bands"] == [{"low": 1, "high": 2}]


def test_without_providers_a_chart_has_nothing_to_draw(monkeypatch):
    monkeypatch.setattr(core_charts, "_providers", [])
    assert core_charts.chart_annotations(kind="list", obj=None, start=START, end=END) == {
        "markers": [],
        "bands": [],
    }


def test_a_token_chart_shows_its_events_and_those_of_its_lists_inside_the_range(story):
    tao, btc = Token.objects.get(symbol="TAO"), Token.objects.get(symbol="BTC")
    ai = TokenList.objects.get(slug="ai")
    event(30, "TAO news", tokens=[tao])
    event(31, "Sector news", lists=[ai])
    event(32, "BTC news", tokens=[btc])
    event(60, "TAO later", tokens=[tao])
    found = chart_annotations_provide(kind="token", obj=tao, start=START, end=END)
    assert titles(found) == ["TAO news", "Sector news"]
    assert found["markers"][0]["time"] == int(at(30).timestamp())
    assert found["bands"] == []


def test_a_tokens_levels_are_bands_on_its_own_chart_only(story):
    btc = Token.objects.get(symbol="BTC")
    Level.objects.create(token=btc, low=58_000, high=60_000, label="Support", label_fr="Support FR")
    with translation.override("fr"):
        found = chart_annotations_provide(kind="token", obj=btc, start=START, end=END)
    assert found["bands"] == [{"low": 58_000, "high": 60_000, "label": "Support FR"}]
    ai = TokenList.objects.get(slug="ai")
    assert chart_annotations_provide(kind="list", obj=ai, start=START, end=END)["bands"] == []


def test_a_list_chart_shows_events_about_the_list_or_its_members_once(story):
    tao = Token.objects.get(symbol="TAO")
    ai = TokenList.objects.get(slug="ai")
    event(30, "Both", tokens=[tao], lists=[ai])
    event(32, "BTC news", tokens=[Token.objects.get(symbol="BTC")])
    found = chart_annotations_provide(kind="list", obj=ai, start=START, end=END)
    assert titles(found) == ["Both"]


def test_the_marker_title_is_in_the_page_language(story):
    event(30, "Bitcoin loses 18 %", title_fr="Le Bitcoin perd 18 %",
          tokens=[Token.objects.get(symbol="BTC")])  # fmt: skip
    with translation.override("fr"):
        found = chart_annotations_provide(
            kind="token", obj=Token.objects.get(symbol="BTC"), start=START, end=END
        )
    assert titles(found) == ["Le Bitcoin perd 18 %"]


def test_the_marker_s_time_is_written_as_the_pages_write_times(story):
    """The tooltip wrote its own time ("Feb 3, 2026, 6:00 AM UTC" from the browser) beside
    pages saying "Feb. 3, 2026, 06:00 UTC"; the marker now carries the page's wording."""
    made = event(30, "Bitcoin loses 18 %", tokens=[Token.objects.get(symbol="BTC")])
    btc = Token.objects.get(symbol="BTC")
    for language in ("en", "fr"):
        with translation.override(language):
            found = chart_annotations_provide(kind="token", obj=btc, start=START, end=END)
            assert [m["when"] for m in found["markers"]] == [datetime_text(made.at)]
    assert found["markers"][0]["when"].endswith(" UTC") and "," in found["markers"][0]["when"]


def test_no_marker_reaches_a_chart_through_an_unpublished_list(client, secret, alice):
    from watchlists import services

    tao, msft = Token.objects.get(symbol="TAO"), Token.objects.get(symbol="MSFT")
    event(30, "Draft news", lists=[secret])
    event(31, "Draft and MSFT", tokens=[msft], lists=[secret])
    event(32, "Sector news", lists=[TokenList.objects.get(slug="ai")])
    payload = client.get("/tokens/TAO/chart.json?range=7d").json()
    assert titles(payload["annotations"]) == ["Sector news"]
    watchlist = services.watchlist_create(owner=alice, name="Mine")
    services.watchlist_add_token(watchlist=watchlist, symbol="TAO", lots=[])
    found = chart_annotations_provide(kind="watchlist", obj=watchlist, start=START, end=END)
    assert titles(found) == ["Sector news"]
    found = chart_annotations_provide(kind="token", obj=tao, start=START, end=END)
    assert titles(found) == ["Sector news"]


def test_no_marker_reaches_a_chart_through_an_inactive_token(story):
    near = Token.objects.get(symbol="NEAR")
    near.is_active = False
    near.save(update_fields=["is_active"])
    event(30, "NEAR news", tokens=[near])
    event(31, "NEAR and MSFT", tokens=[near, Token.objects.get(symbol="MSFT")])
    ai = TokenList.objects.get(slug="ai")
    assert titles(chart_annotations_provide(kind="list", obj=ai, start=START, end=END)) == []


def _events(count: int) -> None:
    ai = TokenList.objects.get(slug="ai")
    tao = Token.objects.get(symbol="TAO")
    for n in range(count):
        event(24 + n % 24, f"Event {n}", tokens=[tao], lists=[ai])


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/tokens/TAO/chart.json?range=7d", "/tokens/TAO/"])
def test_token_chart_queries_stay_flat_from_5_to_50_events(client, story, url, settings):
    settings.PAGE_CACHE_SECONDS = 0
    _events(5)
    few = _queries(client, url)
    _events(45)
    assert _queries(client, url) == few


def test_the_token_chart_json_carries_the_markers_and_bands(client, story):
    btc = Token.objects.get(symbol="BTC")
    event(30, "Crash", tokens=[btc])
    Level.objects.create(token=btc, low=58_000, high=60_000, label="Support")
    payload = client.get("/tokens/BTC/chart.json?range=7d").json()
    assert titles(payload["annotations"]) == ["Crash"]
    assert payload["annotations"]["bands"][0]["high"] == 60_000


def test_the_sector_chart_of_a_list_page_carries_its_events(client, story):
    from markets.services.metrics import metrics_recompute

    TokenList.objects.filter(slug="ai").update(is_public=True)
    metrics_recompute()
    event(47, "Sector news", lists=[TokenList.objects.get(slug="ai")])
    html = client.get("/lists/ai/").content.decode()
    data = json.loads(html.split('id="cap-chart-data" type="application/json">')[1].split("<")[0])
    assert titles(data["annotations"]) == ["Sector news"]


def test_the_watchlist_value_chart_carries_the_events_of_its_tokens(client, story, alice):
    from watchlists import services

    watchlist = services.watchlist_create(owner=alice, name="Mine")
    lots = [{"quantity": Decimal("1"), "cost_basis_usd": Decimal("100"), "purchased_at": at(0)}]
    services.watchlist_add_token(watchlist=watchlist, symbol="TAO", lots=lots)
    event(40, "TAO news", tokens=[Token.objects.get(symbol="TAO")])
    event(41, "Sector news", lists=[TokenList.objects.get(slug="ai")])
    event(42, "BTC news", tokens=[Token.objects.get(symbol="BTC")])
    client.force_login(alice)
    html = client.get(f"/watchlists/{watchlist.pk}/").content.decode()
    data = json.loads(html.split('id="value-chart-data" type="application/json">')[1].split("<")[0])
    assert titles(data["annotations"]) == ["TAO news", "Sector news"]


def test_cached_watchlist_events_follow_its_tokens_at_once_and_stay_with_their_list(
    client, story, alice, bob, settings
):
    from watchlists import services

    settings.FRAGMENT_CACHE_SECONDS = 60  # the events are cached per list and set of tokens
    lots = [{"quantity": Decimal("1"), "cost_basis_usd": Decimal("100"), "purchased_at": at(0)}]
    mine = services.watchlist_create(owner=alice, name="Mine")
    services.watchlist_add_token(watchlist=mine, symbol="TAO", lots=lots)
    theirs = services.watchlist_create(owner=bob, name="Theirs")
    services.watchlist_add_token(watchlist=theirs, symbol="BTC", lots=lots)
    event(40, "TAO news", tokens=[Token.objects.get(symbol="TAO")])
    event(42, "MSFT news", tokens=[Token.objects.get(symbol="MSFT")])

    def chart_titles(watchlist) -> list[str]:
        html = client.get(f"/watchlists/{watchlist.pk}/").content.decode()
        data = html.split('id="value-chart-data" type="application/json">')[1].split("<")[0]
        return titles(json.loads(data)["annotations"])

    client.force_login(alice)
    assert chart_titles(mine) == ["TAO news"]
    services.watchlist_add_token(watchlist=mine, symbol="MSFT", lots=lots)
    assert chart_titles(mine) == ["TAO news", "MSFT news"]
    client.force_login(bob)
    assert chart_titles(theirs) == []
