"""The read API of episodes and events: shapes, figures, filters, errors, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from episodes.models import Episode, Event, MarketFact
from markets.models import Token, TokenList
from tests.episodes.conftest import END, START, at


def event(hours: int, title: str, *, tokens=(), lists=()) -> Event:
    made = Event.objects.create(at=at(hours), title=title, title_fr=f"FR {title}")
    made.tokens.set(Token.objects.filter(symbol__in=tokens))
    made.lists.set(TokenList.objects.filter(slug__in=lists))
    return made


def test_the_episode_list_shows_published_episodes_with_their_lists(api_client, story):
    Episode.objects.create(slug="draft", title="Draft", start=START, end=END)
    body = api_client.get("/api/v1/episodes/").json()
    assert [e["slug"] for e in body["results"]] == ["feb-test"]
    first = body["results"][0]
    assert first["lists"] == ["ai", "ai-equities"]
    assert first["title_fr"] == "Le krach de test"
    assert first["start"].startswith("2026-02-02T00:00:00")


def test_the_episode_detail_includes_its_figures_events_and_facts(api_client, story):
    event(40, "Crash", tokens=["BTC"])
    MarketFact.objects.create(at=at(30), value=2.6e9, wording="Liquidations", source="Article",
                              episode=story)  # fmt: skip
    body = api_client.get("/api/v1/episodes/feb-test/").json()
    figures = body["figures"]
    assert [t["symbol"] for t in figures["tokens"]] == ["TAO", "NEAR"]
    assert figures["tokens"][0]["move"]["change"] == pytest.approx(-0.25)
    assert figures["tokens"][0]["multiple_of_btc"] == pytest.approx(0.25 / 0.12)
    assert figures["equities"][0]["symbol"] == "MSFT"
    assert figures["btc_worst_day"]["change"] == pytest.approx(-0.23)
    assert figures["sectors"][0]["slug"] == "ai"
    assert figures["tokens_vs_btc"] == pytest.approx(0.2 / 0.12)
    assert figures["fear_greed_low"] is None
    assert figures["facts"][0]["value"] == 2.6e9
    assert [e["title"] for e in body["events"]] == ["Crash"]
    assert body["events"][0]["tokens"] == ["BTC"]


@pytest.mark.parametrize("slug", ["nope", "x" * 200, "bad%00slug"])
def test_an_unknown_episode_is_a_json_404(api_client, story, slug):
    response = api_client.get(f"/api/v1/episodes/{slug}/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_events_filter_by_token_and_list_directly_or_through_membership(api_client, story):
    event(30, "TAO news", tokens=["TAO"])
    event(31, "Sector news", lists=["ai"])
    event(32, "BTC news", tokens=["BTC"])
    event(33, "Both", tokens=["TAO"], lists=["ai"])

    def titles(query: str) -> list[str]:
        return [e["title"] for e in api_client.get(f"/api/v1/events/{query}").json()["results"]]

    assert titles("") == ["TAO news", "Sector news", "BTC news", "Both"]
    assert titles("?token=tao") == ["TAO news", "Sector news", "Both"]
    assert titles("?list=ai") == ["TAO news", "Sector news", "Both"]
    assert titles("?token=BTC") == ["BTC news"]
    assert titles("?token=TAO&list=ai") == ["TAO news", "Sector news", "Both"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("?token=NOPE", "token"), ("?list=nope", "list"), ("?list=a%20b", "list"),
     ("?token=m%C5%BFft", "token")],  # a long s: str.upper() makes it MSFT
)  # fmt: skip
def test_an_unknown_token_or_list_is_a_400_naming_it(api_client, story, query, field):
    response = api_client.get(f"/api/v1/events/{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_an_unpublished_list_never_shows_in_the_events_nor_makes_one_public(api_client, secret):
    event(29, "Market news")  # about nothing in particular: for everyone
    event(30, "Draft news", lists=["a-secret-draft"])
    event(31, "Sector news", lists=["ai", "a-secret-draft"])
    response = api_client.get("/api/v1/events/")
    body = response.json()["results"]
    assert [(e["title"], e["lists"]) for e in body] == [
        ("Market news", []),
        ("Sector news", ["ai"]),
    ]
    assert "secret" not in response.content.decode()


def test_event_filters_never_reach_through_an_unpublished_list(api_client, secret):
    event(30, "Draft news", lists=["a-secret-draft"])
    event(31, "Equities and draft", lists=["ai-equities", "a-secret-draft"])
    event(32, "TAO news", tokens=["TAO"], lists=["a-secret-draft"])

    def titles(query: str) -> list[str]:
        return [e["title"] for e in api_client.get(f"/api/v1/events/{query}").json()["results"]]

    assert titles("?token=TAO") == ["TAO news"]  # not through the draft it belongs to
    assert titles("?token=ZQX") == []
    assert titles("?list=ai-equities") == ["Equities and draft"]
    unpublished = api_client.get("/api/v1/events/?list=a-secret-draft")
    unknown = api_client.get("/api/v1/events/?list=no-such-list")
    assert unpublished.status_code == unknown.status_code == 400
    assert unpublished.json()["errors"]["list"] == ["No public list 'a-secret-draft'."]
    assert unknown.json()["errors"]["list"] == ["No public list 'no-such-list'."]


def test_an_inactive_token_counts_as_no_token_in_the_events(api_client, story):
    Token.objects.filter(symbol="NEAR").update(is_active=False)
    event(30, "NEAR news", tokens=["NEAR"])
    event(31, "NEAR and TAO", tokens=["NEAR", "TAO"])
    body = api_client.get("/api/v1/events/").json()["results"]
    assert [(e["title"], e["tokens"]) for e in body] == [("NEAR and TAO", ["TAO"])]
    response = api_client.get("/api/v1/events/?token=NEAR")
    assert response.status_code == 400
    assert response.json()["errors"]["token"] == ["No token 'NEAR'."]


def test_an_episode_shows_only_its_public_lists_and_their_active_members(api_client, secret):
    Token.objects.filter(symbol="NEAR").update(is_active=False)
    event(30, "Draft news", lists=["a-secret-draft"])
    event(31, "Sector news", lists=["ai", "a-secret-draft"])
    listing = api_client.get("/api/v1/episodes/")
    assert listing.json()["results"][0]["lists"] == ["ai", "ai-equities"]
    response = api_client.get("/api/v1/episodes/feb-test/")
    body = response.json()
    assert body["lists"] == ["ai", "ai-equities"]
    assert [t["symbol"] for t in body["figures"]["tokens"]] == ["TAO"]  # not ZQX, nor NEAR
    assert [s["slug"] for s in body["figures"]["sectors"]] == ["ai", "ai-equities"]
    assert [(e["title"], e["lists"]) for e in body["events"]] == [("Sector news", ["ai"])]
    assert "secret" not in listing.content.decode() + response.content.decode()
    assert "ZQX" not in response.content.decode()


def _queries(api_client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/api/v1/events/?token=TAO", "/api/v1/episodes/feb-test/", "/api/v1/episodes/"]
)
def test_query_counts_stay_flat_from_5_to_50_events(api_client, story, url):
    for n in range(5):
        event(24 + n, f"E{n}", tokens=["TAO"], lists=["ai"])
    few = _queries(api_client, url)
    for n in range(45):
        event(24 + n % 24, f"F{n}", tokens=["TAO", "BTC"], lists=["ai"])
    assert _queries(api_client, url) == few


def test_the_api_and_the_page_share_one_build_of_the_figures(
    api_client, client, story, settings, monkeypatch
):
    from episodes import selectors

    settings.FRAGMENT_CACHE_SECONDS = 60
    builds = []
    build = selectors.episode_figures
    monkeypatch.setattr(selectors, "episode_figures", lambda **kw: builds.append(1) or build(**kw))

    client.get("/episodes/feb-test/")
    first = api_client.get("/api/v1/episodes/feb-test/").json()["figures"]
    api_client.get("/api/v1/episodes/feb-test/")

    assert len(builds) == 1
    assert first["tokens"]  # the shared copy is the real figures
