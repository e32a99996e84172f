"""Sharing a list by an unguessable link: what visitors see, and breaking the link."""

import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.markets.pages.html import MINUS, find, find_all, squash
from tests.watchlists.conftest import lot, prices
from tests.watchlists.pages.conftest import HTMX, needs_browser, snapshot
from watchlists import services
from watchlists.models import Watchlist

# What only the owner, or visitors of a list that shows its amounts, may see (bags fixture):
AMOUNTS = ["$297.00", "$320.00", "$330.00", "$23.00", "$190.00", "$450.00"]
NOTES = ["my secret plan", "benchmark"]


def share(client, watchlist, action: str, *, show_amounts=False, **kwargs):
    data = {"action": action} | ({"show_amounts": "on"} if show_amounts else {})
    return client.post(f"/watchlists/{watchlist.pk}/share/", data, **kwargs)


def shared_url(watchlist) -> str:
    watchlist.refresh_from_db()
    return f"/watchlists/shared/{watchlist.share_token}/"


def test_a_list_is_private_until_made_public(alice_client, bags):
    panel = squash(find(alice_client.get(f"/watchlists/{bags.pk}/").content, id="share").text)

    assert "Only you can see this list." in panel
    assert bags.share_token is None


def test_making_a_list_public_shows_its_unguessable_link(alice_client, bags):
    response = share(alice_client, bags, "public", follow=True)

    assert response.redirect_chain == [(f"/watchlists/{bags.pk}/#share", 302)]
    bags.refresh_from_db()
    assert bags.is_public and len(bags.share_token) >= 32
    link = find(response.content, tag="input", id="share-url").attrs["value"]
    assert link == f"http://testserver/watchlists/shared/{bags.share_token}/"


def test_sharing_with_htmx_returns_only_the_share_panel(alice_client, bags):
    response = share(alice_client, bags, "public", headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel" id="share"') and "<html" not in html
    assert "anyone with the link can see it" in html


def test_visitors_see_tokens_and_percentages_but_no_amounts_nor_notes(client, alice_client, bags):
    share(alice_client, bags, "public")

    response = client.get(shared_url(bags))

    assert response.status_code == 200
    html = squash(response.content.decode())
    tao = squash(find(response.content, tag="tr", data_symbol="TAO").text)
    assert "$99.00" in tao  # the token's price is public market data
    assert f"{MINUS}7.19 %" in tao and f"{MINUS}34.00 %" in tao  # P&L % and fall from peak
    for secret in AMOUNTS + NOTES:
        assert secret not in html
    assert "Quantity" not in html
    data = json.loads(find(response.content, tag="script", id="value-chart-data").text)
    assert data["value"] == [] and len(data["drawdown"]) == 61
    assert "alice" not in html  # nor who owns it


def test_visitors_see_amounts_and_notes_when_the_owner_shows_them(client, alice_client, bags):
    share(alice_client, bags, "public", show_amounts=True)

    response = client.get(shared_url(bags))

    html = squash(response.content.decode())
    for shown in ["$297.00", "$320.00", "$330.00", f"{MINUS}$23.00", *NOTES]:
        assert shown in html
    data = json.loads(find(response.content, tag="script", id="value-chart-data").text)
    assert data["value"][-1][1] == 297.0


def test_visitors_cannot_change_anything_from_the_shared_page(client, alice_client, bags):
    share(alice_client, bags, "public", show_amounts=True)

    content = client.get(shared_url(bags)).content

    assert not find_all(content, tag="form", method="post")
    assert not find_all(content, tag="input", name="csrfmiddlewaretoken")


def test_the_shared_page_polls_and_htmx_gets_only_its_live_part(client, alice_client, bags):
    share(alice_client, bags, "public")
    url = shared_url(bags)

    refresh = find(client.get(url).content, tag="a", class_="btn btn--quiet refresh")
    partial = client.get(url, headers=HTMX)

    assert refresh.attrs["hx-get"] == refresh.attrs["href"] == url
    assert partial.content.decode().lstrip().startswith('<div id="live"')
    for secret in AMOUNTS + NOTES:
        assert secret not in squash(partial.content.decode())


def test_the_shared_page_is_not_indexed_nor_cached(client, alice_client, bags):
    share(alice_client, bags, "public")

    response = client.get(shared_url(bags))

    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert find(response.content, tag="meta", name="robots").attrs["content"] == "noindex, nofollow"


def test_turning_amounts_off_again_hides_them_at_once(client, alice_client, bags):
    share(alice_client, bags, "public", show_amounts=True)
    url = shared_url(bags)

    share(alice_client, bags, "amounts", show_amounts=False)

    html = squash(client.get(url).content.decode())
    assert "$297.00" not in html and "my secret plan" not in html


def test_making_the_list_private_breaks_the_old_link(client, alice_client, bags):
    share(alice_client, bags, "public")
    url = shared_url(bags)
    assert client.get(url).status_code == 200

    response = share(alice_client, bags, "private", follow=True)

    assert client.get(url).status_code == 404
    assert "its link no longer works" in response.content.decode()
    bags.refresh_from_db()
    assert (bags.is_public, bags.share_token) == (False, None)


def test_making_it_public_again_gives_a_new_link(client, alice_client, bags):
    share(alice_client, bags, "public")
    old = shared_url(bags)
    share(alice_client, bags, "private")

    share(alice_client, bags, "public")

    assert shared_url(bags) != old
    assert client.get(old).status_code == 404 and client.get(shared_url(bags)).status_code == 200


def test_a_new_link_replaces_the_old_one(client, alice_client, bags):
    share(alice_client, bags, "public", show_amounts=True)
    old = shared_url(bags)

    share(alice_client, bags, "rotate", show_amounts=True)

    assert client.get(old).status_code == 404
    assert client.get(shared_url(bags)).status_code == 200
    assert Watchlist.objects.get(pk=bags.pk).show_amounts  # still ticked


def test_a_new_link_made_with_show_amounts_unticked_hides_the_amounts(client, alice_client, bags):
    share(alice_client, bags, "public", show_amounts=True)

    share(alice_client, bags, "rotate")  # the box unticked, then "Make a new link"

    page = client.get(shared_url(bags)).content.decode()
    assert not Watchlist.objects.get(pk=bags.pk).show_amounts
    assert [amount for amount in AMOUNTS + NOTES if amount in page] == []


@pytest.mark.parametrize("token", ["x" * 32, "short", "a" * 65, "..%2F..", "bad token!!!!!!!!!!!"])
def test_an_unknown_or_malformed_link_is_a_404(client, bags, token):
    assert client.get(f"/watchlists/shared/{token}/").status_code == 404


def test_an_unknown_sharing_action_is_a_400_and_changes_nothing(alice_client, bags):
    before = snapshot()

    response = share(alice_client, bags, "explode")

    assert response.status_code == 400 and snapshot() == before


def test_the_owner_sees_the_same_as_visitors_on_the_shared_page(alice_client, bags):
    services.watchlist_share_set(watchlist=bags, is_public=True)

    html = squash(alice_client.get(shared_url(bags)).content.decode())

    assert "$297.00" not in html and "my secret plan" not in html


@needs_browser
def test_in_a_browser_a_visitor_sees_the_fall_from_peak_chart_without_amounts(
    page, live_server, transactional_db, alice, tao
):
    now = int(time.time()) // 3600 * 3600
    prices(tao, [(now - hours * 3600, 100.0 + hours) for hours in range(48, -1, -1)])
    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    watchlist = services.watchlist_create(owner=alice, name="Shared bags")
    services.watchlist_add_token(watchlist=watchlist, symbol="TAO", lots=[lot("1", "1", day)])
    services.watchlist_share_set(watchlist=watchlist, is_public=True)

    page.goto(f"{live_server.url}/watchlists/shared/{watchlist.share_token}/")

    expect(page.locator("#value-chart")).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    expect(page.locator("#live tr[data-symbol=TAO]")).to_be_visible()
    assert "Quantity" not in page.locator("#live").inner_text()
