"""The episode pages: index, one episode (figures, timeline, facts, charts), staff drafts,
French, the htmx timeline, flat query counts, and the links from the dashboard."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from episodes.models import Episode, Event, MarketFact
from markets.models import Token, TokenList
from tests.episodes.conftest import START, at
from tests.markets.pages.html import MINUS


def events(count: int) -> None:
    tao = Token.objects.get(symbol="TAO")
    ai = TokenList.objects.get(slug="ai")
    for n in range(count):
        made = Event.objects.create(
            at=at(24 + n % 24), title=f"Event {n}", url="https://example.org"
        )
        made.tokens.set([tao])
        made.lists.set([ai])


def test_the_episode_page_shows_its_figures_timeline_and_facts(client, story):
    Event.objects.create(at=at(40), title="Bitcoin loses 23 %", title_fr="Le BTC perd 23 %")
    MarketFact.objects.create(
        at=at(30), value=2.6e9, wording="Liquidations in 24 hours", episode=story,
        source="An article", source_url="https://example.org/article",
    )  # fmt: skip
    html = client.get("/episodes/feb-test/").content.decode()
    assert "The test crash" in html and "What happened." in html
    assert "Bitcoin loses 23 %" in html
    assert f"{MINUS}25.00" in html  # TAO from 200 $ to 150 $
    assert f"{MINUS}23.00" in html  # BTC's worst 24 hours
    assert "1.67\u00d7" in html  # the tokens' mean fall (-20 %) against BTC's (-12 %)
    assert 'href="https://example.org/article"' in html and "$2.60B" in html
    assert 'id="episode-replay"' in html  # where the replay control goes
    assert 'id="episode-btc-chart"' in html and 'id="episode-sector-chart"' in html


def test_the_episode_page_speaks_french(client, story):
    client.cookies["django_language"] = "fr"
    html = client.get("/episodes/feb-test/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Le krach de test" in html and "Ce qui s\u2019est passé." in html
    assert "Chiffres clés" in html
    when = html.split('class="replay-board__when">')[1].split("</p>")[0]
    assert "3 février 2026, " in when and "Fév" not in when  # as on token pages


def test_an_unpublished_episode_is_for_staff_only(client, story, staff):
    Episode.objects.filter(pk=story.pk).update(is_published=False)
    assert client.get("/episodes/feb-test/").status_code == 404
    assert "The test crash" not in client.get("/episodes/").content.decode()
    client.force_login(staff)
    assert client.get("/episodes/feb-test/").status_code == 200
    assert "The test crash" in client.get("/episodes/").content.decode()


def _chart(html: str, element_id: str) -> dict:
    return json.loads(html.split(f'id="{element_id}" type="application/json">')[1].split("<")[0])


def test_the_episode_pages_show_only_public_lists_and_their_active_members(client, secret):
    Token.objects.filter(symbol="NEAR").update(is_active=False)
    Event.objects.create(at=at(30), title="Draft news").lists.set([secret])
    Event.objects.create(at=at(31), title="Sector news").lists.set(
        [secret, TokenList.objects.get(slug="ai")]
    )
    html = client.get("/episodes/feb-test/").content.decode()
    assert "Sector news" in html
    for private in ("Draft news", "Secret draft", "a-secret-draft", "ZQX", "NEAR"):
        assert private not in html
    sector = _chart(html, "episode-sector-data")
    assert [m["title"] for m in sector["annotations"]["markers"]] == ["Sector news"]
    assert 'data-figure="sector-ai"' in html and "Total market cap: AI tokens" in html
    assert "Secret draft" not in client.get("/episodes/").content.decode()


def test_an_unknown_episode_is_a_404(client, db):
    assert client.get("/episodes/nope/").status_code == 404


def test_htmx_gets_the_timeline_alone(client, story):
    events(2)
    response = client.get("/episodes/feb-test/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="timeline"' in html and "Event 1" in html
    assert "<html" not in html and 'id="figures"' not in html
    assert "HX-Request" in response["Vary"]


def _queries(client, url: str) -> int:
    client.get(url)  # the replay board's figures are cached by hour: compare warm pages
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/episodes/feb-test/", "/episodes/"])
def test_query_counts_stay_flat_from_5_to_50_events(client, story, staff, url):
    client.force_login(staff)  # signed in: never served from the page cache
    events(5)
    few = _queries(client, url)
    events(45)
    assert _queries(client, url) == few


def test_the_dashboard_links_to_the_latest_published_episode(client, story):
    TokenList.objects.filter(slug="ai").update(is_featured=True, is_public=True)
    html = client.get("/").content.decode()
    assert 'href="/episodes/feb-test/"' in html and "The test crash" in html


def test_the_episode_page_shows_the_lists_poll_and_discussion(client, story):
    from discussions.models import Poll, PollOption

    ai = TokenList.objects.get(slug="ai")
    poll = Poll.objects.create(
        token_list=ai, question_en="Doomed or a purge?", question_fr="Purge ?"
    )
    for position, (en, fr) in enumerate([("Doomed", "Condamné"), ("A purge", "Une purge")]):
        PollOption.objects.create(poll=poll, label_en=en, label_fr=fr, position=position)
    html = client.get("/episodes/feb-test/").content.decode()
    assert "Doomed or a purge?" in html
    assert 'id="thread-list"' in html


def test_a_new_event_shows_at_once_on_a_cached_page(
    client, story, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 3600
    assert "Fresh news" not in client.get("/episodes/feb-test/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Event.objects.create(at=at(30), title="Fresh news")
    assert "Fresh news" in client.get("/episodes/feb-test/").content.decode()


def test_the_figures_are_built_once_per_data_version(client, story, staff, settings):
    from core.cache import data_version_bump

    settings.FRAGMENT_CACHE_SECONDS = 60
    client.force_login(staff)  # signed in: past the page cache
    client.get("/episodes/feb-test/")
    cached = _queries(client, "/episodes/feb-test/")
    data_version_bump()
    with CaptureQueriesContext(connection) as queries:
        client.get("/episodes/feb-test/")
    assert len(queries) > cached  # new data: the figures are read again


def test_the_summary_event_and_list_descriptions_keep_their_lines_escaped(client, story):
    episode = Episode.objects.get(slug="feb-test")
    episode.summary = "First paragraph.\n\nSecond <b>paragraph</b>."
    episode.save()
    Event.objects.create(at=at(40), title="Sell-off", description="Line one\nline two")
    ai = TokenList.objects.get(slug="ai")
    ai.description = "AI tokens.\nCurated weekly."
    ai.save()

    page = client.get("/episodes/feb-test/").content.decode()
    assert "First paragraph.<br><br>Second &lt;b&gt;paragraph&lt;/b&gt;." in page
    assert "Line one<br>line two" in page
    assert "First paragraph.<br><br>Second" in client.get("/episodes/").content.decode()
    for path in ("/lists/ai/", "/lists/"):
        assert "AI tokens.<br>Curated weekly." in client.get(path).content.decode(), path


def test_the_fear_and_greed_low_card_names_its_band_in_french(client, story):
    from markets.models import FearGreedDaily

    FearGreedDaily.objects.create(day=START.date(), value=8, classification="Extreme Fear")
    client.cookies["django_language"] = "fr"

    html = client.get("/episodes/feb-test/").content.decode()

    card = html.split('data-figure="fear-greed-low"')[1].split("</section>")[0]
    assert "Peur extrême" in card and "Extreme Fear" not in card
