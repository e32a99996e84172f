"""The watchlist page: live metrics, position figures, totals, the value chart, htmx polling."""

import json
import re
import time
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from markets.models import Token
from tests.factories import TokenFactory
from tests.markets.pages.html import MINUS, descendants, find, find_all, squash
from tests.watchlists.conftest import at, lot, prices
from tests.watchlists.pages.conftest import FRENCH, HTMX, needs_browser
from watchlists import services


def url(watchlist) -> str:
    return f"/watchlists/{watchlist.pk}/"


def row(content, symbol: str) -> str:
    return squash(find(content, tag="tr", data_symbol=symbol).text)


def test_each_token_shows_its_price_changes_and_fall_from_its_all_time_high(alice_client, bags):
    response = alice_client.get(url(bags))

    assert response.status_code == 200
    tao = row(response.content, "TAO")
    assert "$99.00" in tao
    assert f"{MINUS}34.00 %" in tao  # 99 against its all-time high of 150
    assert "▼" in tao  # the 24h and 7d changes carry an arrow
    assert "$64,000.00" in row(response.content, "BTC")


def test_a_position_shows_value_cost_profit_and_loss_and_fall_from_peak(alice_client, bags):
    tao = row(alice_client.get(url(bags)).content, "TAO")

    assert "3" in tao
    assert "$297.00" in tao  # value: 3 x 99
    assert "$320.00" in tao  # cost: 2 x 95 + 130
    assert f"{MINUS}$23.00" in tao  # P&L
    assert f"{MINUS}7.19 %" in tao  # P&L %
    assert f"{MINUS}34.00 %" in tao  # from the peak value of 450 $
    assert "my secret plan" in tao  # the owner sees their note


def test_a_watched_token_without_lots_shows_dashes_for_the_position(alice_client, bags):
    btc = find(alice_client.get(url(bags)).content, tag="tr", data_symbol="BTC")
    cells = [squash(cell.text) for cell in btc.children if cell.tag == "td"]

    assert cells[4:9] == ["—"] * 5  # quantity, value, cost, P&L, P&L %


def test_a_missing_fall_is_a_grey_dash_not_a_red_one(alice_client, bags):
    btc = find(alice_client.get(url(bags)).content, tag="tr", data_symbol="BTC")
    from_peak = [cell for cell in btc.children if cell.tag == "td"][9]

    assert "dd" in from_peak.attrs["class"].split()  # the column is coloured as losses
    dashes = [e for e in descendants(from_peak) if e.attrs.get("class") == "fall--none"]
    assert [squash(e.text) for e in dashes] == ["—"]


def test_the_totals_row_and_cards_add_up_the_positions(alice_client, bags):
    response = alice_client.get(url(bags))

    totals = squash(find(response.content, id="totals-row").text)
    assert "$297.00" in totals
    assert "$330.00" in totals  # the cost includes ICP, which has no price yet
    assert f"{MINUS}$23.00" in totals
    assert f"{MINUS}34.00 %" in totals
    cards = squash(find(response.content, id="totals").text)
    assert f"Performance from its peak {MINUS}34.00 %" in cards
    assert f"Value: {MINUS}34.00 % from its peak of $450.00" in cards
    assert "1 position has no price yet" in squash(response.content.decode())


def test_the_chart_holds_the_hourly_value_and_its_fall_from_the_peak(alice_client, bags):
    response = alice_client.get(url(bags))

    chart = find(response.content, id="value-chart")
    assert chart.attrs["data-points"] == "0"  # set by value-chart.js once drawn
    data = json.loads(find(response.content, tag="script", id="value-chart-data").text)
    assert len(data["value"]) == len(data["drawdown"]) == 61
    assert data["value"][0] == [at("2026-02-04T00:00"), 180.0]
    assert data["value"][-1] == [at("2026-02-06T12:00"), 297.0]
    assert data["drawdown"][-1] == [at("2026-02-06T12:00"), -0.34]
    html = response.content.decode()
    assert "lightweight-charts.standalone.production.js" in html
    assert "watchlists/js/value-chart.js" in html
    note = squash(find(response.content, tag="p", class_="chart-note").text)
    assert note.startswith("Value peak $450.00 on")
    assert note.endswith(f"Performance (purchases left out): {MINUS}34.00 % below its peak.")


def test_an_empty_list_invites_to_add_a_token_and_has_no_chart(alice_client, alice_list):
    response = alice_client.get(url(alice_list))

    assert response.status_code == 200
    assert "No tokens yet" in response.content.decode()
    assert not find_all(response.content, id="value-chart")
    assert "value-chart.js" not in response.content.decode()


def test_an_empty_list_says_it_is_empty_and_where_to_add_a_token_not_that_prices_are_missing(
    client, alice_client, alice_list
):
    """Under the title of a new, empty list the status line read "No prices stored yet.", as
    if the market data were missing."""
    services.watchlist_share_set(watchlist=alice_list, is_public=True)
    shared = f"/watchlists/shared/{alice_list.share_token}/"
    for path, viewer, headers, expected in [
        (url(alice_list), alice_client, {}, "This watchlist is empty: add a token below."),
        (url(alice_list), alice_client, FRENCH,
         "Cette liste de suivi est vide : ajoutez un token ci-dessous."),
        (shared, client, {}, "This watchlist is empty."),
    ]:  # fmt: skip
        response = viewer.get(path, headers=headers)
        status = find(response.content, tag="p", class_="freshness freshness--empty")
        assert squash(status.text) == expected, path
        assert "No prices stored yet." not in response.content.decode()
        assert "Aucun prix" not in response.content.decode()
    status = find(
        alice_client.get(url(alice_list)).content, tag="p", class_="freshness freshness--empty"
    )
    assert [a.attrs["href"] for a in descendants(status) if a.tag == "a"] == ["#add-token"]


def test_the_items_and_totals_poll_every_live_poll_seconds(alice_client, bags, settings):
    settings.LIVE_POLL_SECONDS = 7

    refresh = find(alice_client.get(url(bags)).content, tag="a", class_="btn btn--quiet refresh")

    assert refresh.attrs["hx-trigger"] == "click, every 7s"
    assert refresh.attrs["hx-get"] == refresh.attrs["href"] == url(bags)
    assert refresh.attrs["hx-target"] == "#live"


def test_an_htmx_poll_gets_only_the_items_and_totals(alice_client, bags):
    response = alice_client.get(url(bags), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "value-chart" not in html and 'id="share"' not in html
    assert html.lstrip().startswith('<div id="live"')
    assert "$297.00" in html
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(alice_client, bags):
    headers = HTMX | {"HX-History-Restore-Request": "true"}

    assert "<html" in alice_client.get(url(bags), headers=headers).content.decode()


def test_the_page_is_never_cached(alice_client, bags):
    assert "no-store" in alice_client.get(url(bags))["Cache-Control"]


def held_list(owner, name: str, count: int):
    watchlist = services.watchlist_create(owner=owner, name=name)
    for n in range(count):
        token = TokenFactory(symbol=f"{name[0].upper()}{n}")
        prices(token, [(at("2026-02-06T10:00"), 1.0 + n), (at("2026-02-06T12:00"), 2.0 + n)])
        services.watchlist_add_token(
            watchlist=watchlist, symbol=token.symbol, note=f"note {n}",
            lots=[lot("1", "1", "2026-02-06"), lot("2", "1")],
        )  # fmt: skip
    return watchlist


def test_the_page_takes_the_same_number_of_queries_for_5_or_50_items(frozen, alice, client_as):
    client = client_as(alice)
    counts = []
    for name, size in (("small", 5), ("large", 50)):
        watchlist = held_list(alice, name, size)
        for headers in ({}, HTMX):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url(watchlist), headers=headers)
            assert len(find_all(response.content, tag="tr", data_symbol=True)) == size
            # chart events of the apps above (core/charts.py) are pinned in tests/episodes
            counts.append(len([q for q in queries if "episodes_" not in q["sql"]]))
    # session, user, watchlist; then items with tokens and metrics, lots, hourly closes
    assert counts == [6, 6, 6, 6]


def test_the_page_reads_in_french(alice_client, bags):
    response = alice_client.get(url(bags), headers=FRENCH)

    html = squash(response.content.decode())
    assert '<html lang="fr">' in response.content.decode()
    assert "297,00 $" in html
    assert "Tokens et positions" in html
    assert "Valeur" in html


# --- Without JavaScript -----------------------------------------------------------------------


def pages(watchlist) -> list[str]:
    return [
        "/watchlists/",
        f"/watchlists/{watchlist.pk}/",
        f"/watchlists/{watchlist.pk}/search/?q=a",
        f"/watchlists/{watchlist.pk}/items/TAO/",
        f"/watchlists/{watchlist.pk}/rename/",
        f"/watchlists/{watchlist.pk}/delete/",
        f"/watchlists/{watchlist.pk}/import/",
        "/watchlists/add/?symbol=TAO",
        f"/watchlists/shared/{watchlist.share_token}/",
    ]


def test_every_htmx_link_and_form_also_works_without_javascript(alice_client, bags):
    services.watchlist_share_set(watchlist=bags, is_public=True)
    checked = 0
    for page in pages(bags):
        for headers in ({}, HTMX):
            content = alice_client.get(page, headers=headers).content
            for element in find_all(content, hx_get=True) + find_all(content, hx_post=True):
                target = element.attrs.get("hx-get") or element.attrs.get("hx-post")
                if element.tag == "a":
                    assert element.attrs["href"] == target, (page, element.attrs)
                else:
                    assert element.tag == "form", (page, element.attrs)
                    assert element.attrs["action"] == target, (page, element.attrs)
                    method = "get" if "hx-get" in element.attrs else "post"
                    assert element.attrs["method"] == method, (page, element.attrs)
                checked += 1
    assert checked >= 30  # the check did look at the pages' htmx elements


def test_every_form_that_posts_carries_the_csrf_token(alice_client, bags):
    services.watchlist_share_set(watchlist=bags, is_public=True)
    for page in pages(bags):
        for form in find_all(alice_client.get(page).content, tag="form", method="post"):
            fields = [e.attrs.get("name") for e in descendants(form)]
            assert "csrfmiddlewaretoken" in fields, (page, form.attrs)


# --- In a browser -----------------------------------------------------------------------------


@needs_browser
def test_in_a_browser_the_chart_draws_and_a_token_found_as_you_type_is_added(
    signed_in_page, live_server, alice, tao, near
):
    page = signed_in_page
    now = int(time.time()) // 3600 * 3600
    prices(tao, [(now - hours * 3600, 100.0 - hours / 2) for hours in range(72, -1, -1)])
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    watchlist = services.watchlist_create(owner=alice, name="Browser bags")
    services.watchlist_add_token(
        watchlist=watchlist, symbol="TAO", lots=[lot("2", "90", two_days_ago)]
    )

    page.goto(f"{live_server.url}/watchlists/{watchlist.pk}/")
    expect(page.locator("#value-chart")).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))

    page.locator("#token-search").press_sequentially("nea")
    result = page.locator("#search-results li[data-symbol=NEAR]")
    expect(result).to_contain_text("NEAR Protocol")
    page.evaluate("window.__sameDocument = true")
    result.get_by_role("button").click()

    expect(page.locator("#live tr[data-symbol=NEAR]")).to_be_visible()
    expect(page.locator("#add-token [role=status]")).to_contain_text("NEAR added")
    expect(result).to_contain_text("in this list")
    assert page.evaluate("window.__sameDocument") is True  # no page load: htmx swapped
    assert list(watchlist.items.values_list("token__symbol", flat=True)) == ["TAO", "NEAR"]


def test_a_token_staff_deactivated_keeps_its_row_but_no_link_to_its_page_which_is_a_404(
    alice_client, bags
):
    Token.objects.filter(symbol="TAO").update(is_active=False)  # its item stays in the list
    services.watchlist_share_set(watchlist=bags, is_public=True, show_amounts=True)
    bags.refresh_from_db()
    pages = {
        "list": alice_client.get(url(bags)),
        "shared": alice_client.get(f"/watchlists/shared/{bags.share_token}/"),
        "item": alice_client.get(url(bags) + "items/TAO/"),
        "list in French": alice_client.get(url(bags), headers=FRENCH),
    }

    assert alice_client.get("/tokens/TAO/").status_code == 404
    for name, response in pages.items():
        links = [a.attrs.get("href") for a in find_all(response.content, tag="a")]
        assert "/tokens/TAO/" not in links, name
        assert "/tokens/BTC/" in links or name == "item", name  # active tokens keep theirs
    assert "TAO Bittensor no longer tracked" in row(pages["list"].content, "TAO")
    assert "no longer tracked" in row(pages["shared"].content, "TAO")
    assert "This token is no longer tracked" in squash(pages["item"].text)
    assert "plus suivi" in row(pages["list in French"].content, "TAO")


@needs_browser
def test_in_a_browser_a_note_keeps_its_lines(signed_in_page, live_server, alice, tao):
    watchlist = services.watchlist_create(owner=alice, name="Notes")
    services.watchlist_add_token(
        watchlist=watchlist, symbol="TAO", note="Buy under 150\nSell over 300"
    )
    services.watchlist_share_set(watchlist=watchlist, is_public=True, show_amounts=True)
    signed_in_page.set_viewport_size({"width": 390, "height": 844})

    for path in (f"/watchlists/{watchlist.pk}/", f"/watchlists/shared/{watchlist.share_token}/"):
        signed_in_page.goto(live_server.url + path)
        note = signed_in_page.locator("tr[data-symbol=TAO] .wl-note")
        assert note.inner_text() == "Buy under 150\nSell over 300", path
