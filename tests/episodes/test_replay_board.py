"""The episode page's replay board: the episode's tokens and BTC as they were at one hour of
the window (markets' replay, the same metrics code), stepped by the replay control."""

from __future__ import annotations

import re

from markets.models import TokenList
from tests.episodes.conftest import at, store
from tests.factories import MembershipFactory, TokenFactory
from tests.markets.pages.html import MINUS

URL = "/episodes/feb-test/"


def board(html: str) -> str:
    match = re.search(r'<div id="replay-board".*?</table>', html, re.S)
    assert match, "no replay board"
    return match.group(0)


def row(html: str, symbol: str) -> str:
    match = re.search(rf'<tr data-symbol="{symbol}">.*?</tr>', board(html), re.S)
    assert match, f"no row for {symbol}"
    return match.group(0)


def test_the_board_shows_the_episodes_last_hour_by_default(client, story):
    html = client.get(URL).content.decode()
    assert "data-replay-control" in html and 'data-target="#replay-board"' in html
    assert "$88.00" in row(html, "BTC") and "$150.00" in row(html, "TAO")
    assert "Feb. 3, 2026, 00:00" in board(html)


def test_at_shows_the_prices_and_changes_of_that_hour(client, story):
    html = client.get(URL, {"at": "2026-02-02T16:00Z"}).content.decode()  # hour 40
    assert "$77.00" in row(html, "BTC") and "$132.00" in row(html, "TAO")
    assert f"{MINUS}23.00" in row(html, "BTC")  # 77 against 100 at hour 16
    assert "Feb. 2, 2026, 16:00" in board(html)
    # without JavaScript the control's links step to the hours around it
    assert "at=2026-02-02T15:00Z" in html and "at=2026-02-02T17:00Z" in html


def test_the_replay_control_gets_the_board_alone(client, story):
    response = client.get(URL, {"at": "2026-02-02T06:00Z"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="timeline"' not in html
    assert "$110.00" in row(html, "BTC")  # hour 30
    assert "HX-Request" in response["Vary"]


def test_an_hour_outside_the_window_is_kept_inside_it(client, story):
    before = client.get(URL, {"at": "2026-01-01T00:00Z"}).content.decode()
    assert "Feb. 2, 2026, 00:00" in board(before) and "$100.00" in row(before, "BTC")
    after = client.get(URL, {"at": "2026-03-01T00:00Z"}).content.decode()
    assert "$88.00" in row(after, "BTC")


def test_an_unreadable_hour_is_a_400_saying_why(client, story):
    response = client.get(URL, {"at": "yesterday"})
    assert response.status_code == 400
    assert "ISO 8601" in response.content.decode()


def test_a_token_without_prices_yet_says_so(client, story):
    late = TokenFactory(symbol="LATE")
    MembershipFactory(token_list=TokenList.objects.get(slug="ai"), token=late, position=2)
    store(late, {40: 5.0})  # listed at hour 40, inside the window (hours 24 to 48)

    before = client.get(URL, {"at": at(30).strftime("%Y-%m-%dT%H:%MZ")}).content.decode()
    assert "No data at that time." in row(before, "LATE")
    assert "No data at that time." not in row(before, "TAO")
    listed = client.get(URL, {"at": at(40).strftime("%Y-%m-%dT%H:%MZ")}).content.decode()
    assert "$5.00" in row(listed, "LATE") and "No data at that time." not in row(listed, "LATE")


def test_the_board_speaks_french(client, story):
    client.cookies["django_language"] = "fr"
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Le marché, heure par heure" in html and "Au 3 février 2026, 00:00 UTC" in html


def test_the_board_costs_the_same_queries_at_any_hour(client, story, django_assert_max_num_queries):
    client.get(URL, {"at": "2026-02-02T05:00Z"})
    with django_assert_max_num_queries(12):
        client.get(URL, {"at": "2026-02-02T07:00Z"}, HTTP_HX_REQUEST="true")
