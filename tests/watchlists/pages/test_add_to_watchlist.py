""" "Add to watchlist" from the market pages: the include, and /watchlists/add/ behind it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.factories import TokenFactory
from tests.markets.pages.html import find, find_all, squash
from tests.watchlists.pages.conftest import FRENCH, HTMX, snapshot
from watchlists import services
from watchlists.models import Watchlist, WatchlistItem

ADD = "/watchlists/add/"


def render_include(user, tokens, **context) -> str:
    """The include as the lead puts it in a page: once per token (a dashboard row each)."""
    request = RequestFactory().get("/")
    request.user = user
    template = engines["django"].from_string(
        "{% for token in tokens %}"
        '{% include "watchlists/_add_to_watchlist.html" with token=token %}'
        "{% endfor %}"
    )
    return template.render({"tokens": tokens, **context}, request)


def items(user) -> list[tuple[str, str]]:
    return list(
        WatchlistItem.objects.filter(watchlist__owner=user)
        .order_by("watchlist__position", "position")
        .values_list("watchlist__name", "token__symbol")
    )


# --- The include ----------------------------------------------------------------------------


def test_anonymous_visitors_get_a_sign_in_link_that_comes_back_to_add_the_token(tao):
    html = render_include(AnonymousUser(), [tao])

    link = find(html, tag="a", class_="wl-add wl-add--signin")
    assert link.attrs["href"] == "/accounts/login/?next=/watchlists/add/%3Fsymbol%3DTAO"
    assert "Sign in to add" in squash(link.text)
    assert "csrfmiddlewaretoken" not in html  # cached anonymous pages carry no CSRF token
    assert not find_all(html, tag="form")


def test_a_user_with_one_list_gets_a_single_button(alice, tao):
    watchlist = services.watchlist_create(owner=alice, name="Only")

    html = render_include(alice, [tao])

    form = find(html, tag="form", class_="wl-add")
    assert form.attrs["action"] == form.attrs["hx-post"] == ADD
    assert form.attrs["method"] == "post" and form.attrs["hx-target"] == "this"
    assert find(html, tag="input", name="watchlist").attrs == {
        "type": "hidden",
        "name": "watchlist",
        "value": str(watchlist.pk),
    }
    assert find(html, tag="input", name="symbol").attrs["value"] == "TAO"
    assert find(html, tag="input", name="csrfmiddlewaretoken")
    assert "Add to watchlist" in squash(find(html, tag="button").text)


def test_a_user_with_several_lists_chooses_one_in_their_order(alice, tao):
    for name in ("First", "Second"):
        services.watchlist_create(owner=alice, name=name)

    html = render_include(alice, [tao])

    select = find(html, tag="select", name="watchlist")
    assert [squash(option.text) for option in select.children] == ["First", "Second"]
    assert find(html, tag="label", for_=select.attrs["id"])


def test_the_users_lists_are_read_once_however_many_rows_include_the_button(alice):
    services.watchlist_create(owner=alice, name="First")
    services.watchlist_create(owner=alice, name="Second")
    tokens = [TokenFactory(symbol=f"R{n}") for n in range(30)]

    with CaptureQueriesContext(connection) as queries:
        html = render_include(alice, tokens)

    assert len(find_all(html, tag="form", class_="wl-add")) == 30
    assert len(queries) == 1


def test_anonymous_rows_run_no_query(tao):
    with CaptureQueriesContext(connection) as queries:
        render_include(AnonymousUser(), [tao] * 10)

    assert len(queries) == 0


# --- /watchlists/add/ -----------------------------------------------------------------------


def test_the_add_page_lets_a_new_user_add_the_token_to_a_first_list_made_by_the_post(
    alice_client, alice, tao
):
    response = alice_client.get(ADD, {"symbol": "tao"})

    assert response.status_code == 200
    assert "Bittensor" in squash(find(response.content, tag="h1").text)
    assert find(response.content, tag="form", class_="wl-add")
    assert not find_all(response.content, tag="input", name="watchlist")
    assert not Watchlist.objects.filter(owner=alice).exists()

    alice_client.post(ADD, {"symbol": "TAO"})

    assert items(alice) == [("My watchlist", "TAO")]


def test_it_rejects_creating_a_list_when_the_add_page_is_only_viewed(alice_client, alice, tao):
    """A GET changes nothing: an image or a link on another site pointing at the add page
    must not make a watchlist in the visitor's account."""
    for symbol in ("TAO", "tao"):
        assert alice_client.get(ADD, {"symbol": symbol}).status_code == 200
        assert alice_client.head(ADD, {"symbol": symbol}).status_code == 200

    assert not Watchlist.objects.filter(owner=alice).exists()


@pytest.mark.parametrize("symbol", ["", "NOPE", "OLD", "\x00", "TAO\x00"])
def test_the_add_page_of_an_unknown_or_inactive_token_is_a_404(alice_client, tao, symbol):
    TokenFactory(symbol="OLD", is_active=False)

    assert alice_client.get(ADD, {"symbol": symbol}).status_code == 404


def test_adding_to_the_chosen_list_goes_to_that_list(alice_client, alice, tao):
    services.watchlist_create(owner=alice, name="First")
    second = services.watchlist_create(owner=alice, name="Second")

    response = alice_client.post(ADD, {"symbol": "TAO", "watchlist": second.pk}, follow=True)

    assert response.redirect_chain == [(f"/watchlists/{second.pk}/", 302)]
    assert "TAO added to “Second”." in response.content.decode()
    assert items(alice) == [("Second", "TAO")]


def test_adding_without_a_list_uses_the_first_one_creating_it_if_needed(alice_client, alice, tao):
    response = alice_client.post(ADD, {"symbol": "tao"})

    assert response.status_code == 302
    assert items(alice) == [("My watchlist", "TAO")]


def test_the_first_list_made_for_a_french_reader_has_a_french_name(alice_client, alice, tao):
    alice_client.post(ADD, {"symbol": "TAO"}, headers=FRENCH)

    names = Watchlist.objects.filter(owner=alice).values_list("name", flat=True)
    assert list(names) == ["Ma liste de suivi"]


def test_adding_with_htmx_answers_with_a_confirmation_in_place_of_the_form(
    alice_client, alice, alice_list, tao
):
    response = alice_client.post(ADD, {"symbol": "TAO", "watchlist": alice_list.pk}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    done = find(html, tag="p", class_="wl-add wl-add--done")
    assert squash(done.text) == "✓ TAO added to AI bags"
    assert find(html, tag="a", href=f"/watchlists/{alice_list.pk}/")


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_adding_a_token_twice_says_it_is_already_there_and_keeps_the_form(
    alice_client, alice, alice_list, tao, headers
):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    before = snapshot()

    response = alice_client.post(
        ADD, {"symbol": "TAO", "watchlist": alice_list.pk}, headers=headers
    )

    assert response.status_code == 200
    assert squash(find(response.content, tag="span", role="alert").text) == (
        "TAO is already in this watchlist."
    )
    assert find(response.content, tag="form", class_="wl-add")
    assert snapshot() == before


def test_adding_an_unknown_symbol_is_explained_and_adds_nothing(alice_client, alice_list):
    before = snapshot()

    response = alice_client.post(ADD, {"symbol": "NOPE", "watchlist": alice_list.pk}, headers=HTMX)

    assert squash(find(response.content, role="alert").text) == "Unknown token symbol 'NOPE'."
    assert snapshot() == before


@pytest.mark.parametrize(
    ("symbol", "message"),
    [("OLD", "Unknown token symbol 'OLD'."), ("TA\x00O", "Null characters are not allowed.")],
    ids=["deactivated", "with a NUL"],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_adding_a_deactivated_token_or_a_symbol_with_a_nul_is_explained_and_adds_nothing(
    alice_client, alice_list, tao, symbol, message, headers
):
    TokenFactory(symbol="OLD", is_active=False)
    before = snapshot()

    response = alice_client.post(
        ADD, {"symbol": symbol, "watchlist": alice_list.pk}, headers=headers
    )

    assert response.status_code == 200
    assert squash(find(response.content, role="alert").text) == message
    assert snapshot() == before


def test_adding_to_someone_elses_list_is_a_404_and_adds_nothing(client_as, bob, alice_list, tao):
    before = snapshot()

    response = client_as(bob).post(ADD, {"symbol": "TAO", "watchlist": alice_list.pk})

    assert response.status_code == 404 and snapshot() == before


def test_the_button_reads_in_french(client_as, alice, tao):
    services.watchlist_create(owner=alice, name="Only")

    response = client_as(alice).get(ADD, {"symbol": "TAO"}, headers=FRENCH)

    assert "Ajouter à une liste de suivi" in squash(
        find(response.content, tag="button", type="submit").text
    )


def test_the_confirmation_that_replaces_the_form_keeps_its_id_so_the_keyboard_focus_follows(
    alice_client, alice, alice_list, tao
):
    # site.js puts the focus back on the element with the swapped part's id: without one the
    # focus of a keyboard or screen reader user fell to the top of the page after adding.
    page = alice_client.get("/tokens/TAO/").content.decode()
    form = find(page, tag="form", class_="wl-add")
    assert form.attrs.get("id") == "add-TAO-to-watchlist"

    response = alice_client.post(ADD, {"symbol": "TAO", "watchlist": alice_list.pk}, headers=HTMX)

    done = find(response.content, tag="p", class_="wl-add wl-add--done")
    assert done.attrs.get("id") == form.attrs.get("id")
