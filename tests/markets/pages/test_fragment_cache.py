"""The dashboard's cached parts (cards, member rows, cap chart, the anonymous discussion,
the episode link): the same HTML as without them, and never stale, foreign or per-user.

The page cache is off here, so every request renders the page and only fragments are cached;
commit callbacks run, as in production, so the data version is bumped by comments and votes.
"""

from __future__ import annotations

import re

import pytest

from core.cache import data_version_bump
from discussions import services as discussions
from discussions.models import Poll
from discussions.services.polls import scenario_poll_seed
from markets.models import TokenMetrics
from tests.markets.pages.html import find, squash
from watchlists import services as watchlists


@pytest.fixture
def fragments_on(settings, seeded):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 60


def html(client, path="/", **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "path", ["/", "/?sort=change_24h&dir=desc", "/?at=2026-02-05T10:00Z", "/lists/ai/"]
)
def test_the_cached_page_is_the_page_rendered_afresh(client, alice, fragments_on, settings, path):
    client.force_login(alice)
    watchlists.watchlist_create(owner=alice, name="Main")
    cached = [html(client, path), html(client, path), html(client, path, **{"HX-Request": "1"})]
    settings.FRAGMENT_CACHE_SECONDS = 0
    fresh = html(client, path), html(client, path, **{"HX-Request": "1"})
    cached, fresh = [masked(p) for p in cached], [masked(p) for p in fresh]
    assert cached[0] == cached[1] == fresh[0] and cached[2] == fresh[1]


def masked(page: str) -> str:
    """The page without its CSRF tokens (a new one each request)."""
    page = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1-", page)
    return re.sub(r'("X-CSRFToken": ")[^"]+', r"\1-", page)


def test_new_metrics_show_at_once_after_the_data_version_bump(client, fragments_on):
    assert "$164.00" in squash(find(html(client), tag="tr", data_symbol="TAO").text)
    TokenMetrics.objects.filter(token__symbol="TAO").update(price_usd=170)
    data_version_bump()  # what every recompute does on commit
    assert "$170.00" in squash(find(html(client), tag="tr", data_symbol="TAO").text)


def test_a_comment_on_the_list_shows_at_once(
    client, alice, fragments_on, django_capture_on_commit_callbacks
):
    html(client)
    with django_capture_on_commit_callbacks(execute=True):
        discussions.comment_create(author=alice, body="a sector view", token_list=_ai())
    assert "a sector view" in html(client)


def test_a_poll_vote_shows_at_once_and_only_the_voter_sees_their_choice(
    client, alice, bob, fragments_on, django_capture_on_commit_callbacks
):
    poll = scenario_poll_seed(token_list=_ai()) or Poll.objects.get(token_list=_ai())
    option = poll.options.first()
    assert "0 votes" in html(client)
    with django_capture_on_commit_callbacks(execute=True):
        discussions.poll_vote(poll=poll, user=alice, option_id=option.pk)
    assert "1 vote" in html(client)  # anonymous
    client.force_login(alice)
    assert f'value="{option.pk}" id="poll-option-{option.pk}" checked' in html(client)
    client.force_login(bob)
    page = html(client)
    assert "1 vote" in page and f'id="poll-option-{option.pk}" checked' not in page


def test_a_french_visitor_never_gets_the_english_parts(client, fragments_on, settings):
    english = html(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = html(client)
    assert "Total market cap" in english and "Capitalisation totale" in french
    assert "Total market cap" not in french


def test_a_replayed_hour_never_gets_the_live_parts(client, fragments_on):
    live = squash(find(html(client), tag="tr", data_symbol="TAO").text)
    replayed = squash(
        find(html(client, "/?at=2026-01-20T10:00Z"), tag="tr", data_symbol="TAO").text
    )
    assert "$164.00" in live and "$164.00" not in replayed


def test_two_users_never_see_each_others_watchlists(client, alice, bob, fragments_on):
    watchlists.watchlist_create(owner=alice, name="Alice's bag")
    watchlists.watchlist_create(owner=alice, name="Alice's other")
    watchlists.watchlist_create(owner=bob, name="Bob's bag")
    watchlists.watchlist_create(owner=bob, name="Bob's other")
    scenario_poll_seed(token_list=_ai())
    client.force_login(alice)
    alice_page = html(client)
    client.force_login(bob)
    bob_page = html(client)
    assert "Alice&#x27;s bag" in alice_page and "Bob&#x27;s bag" not in alice_page
    assert "Bob&#x27;s bag" in bob_page and "Alice&#x27;s bag" not in bob_page
    client.logout()
    assert "Sign in to vote." in html(client) and "bag" not in html(client)


def _ai():
    from markets.models import TokenList

    return TokenList.objects.get(slug="ai")
