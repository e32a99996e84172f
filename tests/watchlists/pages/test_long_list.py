"""A long watchlist shows its rows a page at a time; totals, chart and moves count them all."""

import importlib

import pytest

from tests.markets.pages.html import descendants, find, find_all, squash
from tests.watchlists.pages.conftest import FRENCH, HTMX
from tests.watchlists.pages.test_detail import held_list
from watchlists import services
from watchlists.models import WatchlistItem

PER_PAGE = 3  # seven tokens make pages of 3, 3 and 1


@pytest.fixture
def seven(frozen, alice, monkeypatch):
    # the module (the package exports a view of the same name)
    monkeypatch.setattr(
        importlib.import_module("watchlists.views.detail"), "ITEMS_PER_PAGE", PER_PAGE
    )
    return held_list(alice, "long", 7)  # symbols L0 … L6, in that order


def shown(response) -> list[str]:
    return [
        tr.attrs["data-symbol"] for tr in find_all(response.content, tag="tr", data_symbol=True)
    ]


def move_positions(response, symbol: str) -> list[str]:
    """The positions the row's up and down buttons post (none for a disabled one)."""
    row = find(response.content, tag="tr", data_symbol=symbol)
    inputs = [e for e in descendants(row) if e.tag == "input" and e.attrs.get("name") == "position"]
    return [i.attrs["value"] for i in inputs]


def test_the_first_page_shows_the_first_rows_and_totals_of_every_position(alice_client, seven):
    response = alice_client.get(f"/watchlists/{seven.pk}/")

    text = squash(response.content.decode())
    assert shown(response) == ["L0", "L1", "L2"]
    assert "7 positions at the latest prices" in text
    assert "Tokens 1 to 3 of 7" in text
    assert find(response.content, tag="a", rel="next").attrs["href"] == "?page=2"


def test_the_next_pages_continue_in_the_lists_order(alice_client, seven):
    second = alice_client.get(f"/watchlists/{seven.pk}/?page=2")
    last = alice_client.get(f"/watchlists/{seven.pk}/?page=3")

    assert shown(second) == ["L3", "L4", "L5"]
    assert shown(last) == ["L6"]
    assert "Tokens 7 to 7 of 7" in squash(last.content.decode())
    assert find(last.content, tag="a", rel="prev").attrs["href"] == "?page=2"


@pytest.mark.parametrize(
    ("page", "rows"),
    [("0", ["L0", "L1", "L2"]), ("-1", ["L0", "L1", "L2"]), ("abc", ["L0", "L1", "L2"]),
     ("", ["L0", "L1", "L2"]), ("99", ["L6"])],
)  # fmt: skip
def test_a_page_number_out_of_range_shows_the_nearest_page(alice_client, seven, page, rows):
    """0 and -1 showed the last page (Django's get_page), not the nearest."""
    response = alice_client.get(f"/watchlists/{seven.pk}/?page={page}")

    assert response.status_code == 200
    assert shown(response) == rows


def test_the_move_buttons_post_places_in_the_whole_list(alice_client, seven):
    second = alice_client.get(f"/watchlists/{seven.pk}/?page=2")
    last = alice_client.get(f"/watchlists/{seven.pk}/?page=3")

    assert move_positions(second, "L3") == ["2", "4"]
    assert move_positions(last, "L6") == ["5"]  # the very last row cannot go down


def test_an_htmx_move_from_the_second_page_returns_the_second_page(alice_client, seven):
    headers = HTMX | {"HX-Current-URL": f"http://testserver/watchlists/{seven.pk}/?page=2"}

    response = alice_client.post(
        f"/watchlists/{seven.pk}/items/L4/move/", {"position": "5"}, headers=headers
    )

    assert shown(response) == ["L3", "L5", "L4"]
    order = WatchlistItem.objects.filter(watchlist=seven).order_by("position")
    assert [i.token.symbol for i in order][3:6] == ["L3", "L5", "L4"]


def test_the_live_poll_keeps_the_page(alice_client, seven):
    response = alice_client.get(f"/watchlists/{seven.pk}/?page=2", headers=HTMX)

    polls = [a.attrs["hx-get"] for a in find_all(response.content, tag="a", hx_trigger=True)]
    assert polls == [f"/watchlists/{seven.pk}/?page=2"]
    assert shown(response) == ["L3", "L4", "L5"]


def test_the_shared_page_is_paged_too_and_in_french(client, seven):
    services.watchlist_share_set(watchlist=seven, is_public=True, show_amounts=False)
    seven.refresh_from_db()

    response = client.get(f"/watchlists/shared/{seven.share_token}/?page=3", headers=FRENCH)

    assert shown(response) == ["L6"]
    assert "Tokens 7 à 7 sur 7" in squash(response.content.decode())


def test_a_short_list_has_no_page_links(alice_client, frozen, alice):
    short = held_list(alice, "short", 2)

    response = alice_client.get(f"/watchlists/{short.pk}/")

    assert shown(response) == ["S0", "S1"]
    assert "Tokens 1 to" not in squash(response.content.decode())
