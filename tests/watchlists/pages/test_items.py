"""Items of a list: search as you type, add, remove, reorder, and the note of each."""

import pytest

from markets.models import Token
from tests.factories import TokenFactory
from tests.markets.pages.html import find, find_all, squash
from tests.watchlists.pages.conftest import FRENCH, HTMX, snapshot
from watchlists import services
from watchlists.models import WatchlistItem


def symbols(content) -> list[str]:
    return [row.attrs["data-symbol"] for row in find_all(content, tag="tr", data_symbol=True)]


def found(content) -> list[str]:
    return [li.attrs["data-symbol"] for li in find_all(content, tag="li", data_symbol=True)]


def in_list(watchlist) -> list[str]:
    return list(
        WatchlistItem.objects.filter(watchlist=watchlist)
        .order_by("position")
        .values_list("token__symbol", flat=True)
    )


# --- Search ---------------------------------------------------------------------------------


@pytest.fixture
def tokens(db):
    TokenFactory(symbol="TAO", name="Bittensor")
    TokenFactory(symbol="NEAR", name="NEAR Protocol")
    TokenFactory(symbol="RENDER", name="Render")
    TokenFactory(symbol="TAOX", name="Not Bittensor")
    TokenFactory(symbol="OLD", name="Taopia", is_active=False)


def test_searching_finds_active_tokens_by_symbol_or_name_exact_symbol_first(
    alice_client, alice_list, tokens
):
    response = alice_client.get(f"/watchlists/{alice_list.pk}/search/", {"q": "tao"}, headers=HTMX)

    assert response.status_code == 200
    assert found(response.content) == ["TAO", "TAOX"]  # not OLD: inactive
    assert found(alice_client.get(f"/watchlists/{alice_list.pk}/search/?q=render").content) == [
        "RENDER"
    ]
    by_name = alice_client.get(f"/watchlists/{alice_list.pk}/search/?q=protocol", headers=HTMX)
    assert found(by_name.content) == ["NEAR"]


def test_an_htmx_search_gets_only_the_results_and_a_plain_one_the_whole_page(
    alice_client, alice_list, tokens
):
    partial = alice_client.get(f"/watchlists/{alice_list.pk}/search/?q=tao", headers=HTMX)
    page = alice_client.get(f"/watchlists/{alice_list.pk}/search/?q=tao")

    assert partial.content.decode().lstrip().startswith('<div id="search-results"')
    assert "<html" not in partial.content.decode()
    assert "<html" in page.content.decode()
    assert find(page.content, tag="input", name="q").attrs["value"] == "tao"
    assert found(page.content) == ["TAO", "TAOX"]


def test_the_search_returns_at_most_ten_tokens(alice_client, alice_list):
    for n in range(15):
        TokenFactory(symbol=f"AI{n}", name=f"AI token {n}")

    response = alice_client.get(f"/watchlists/{alice_list.pk}/search/?q=ai", headers=HTMX)

    assert len(found(response.content)) == 10


def test_search_results_offer_an_add_button_except_for_tokens_already_in_the_list(
    alice_client, alice_list, tokens
):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO")

    response = alice_client.get(f"/watchlists/{alice_list.pk}/search/?q=tao", headers=HTMX)

    tao = find(response.content, tag="li", data_symbol="TAO")
    assert "in this list" in squash(tao.text)
    assert not any(child.tag == "form" for child in tao.children)
    form = find(response.content, tag="form", action=f"/watchlists/{alice_list.pk}/items/")
    assert form.attrs["hx-post"] == form.attrs["action"] and form.attrs["method"] == "post"
    assert find(response.content, tag="input", name="symbol").attrs["value"] == "TAOX"


def test_the_search_box_searches_as_you_type_and_without_javascript(alice_client, alice_list):
    search = find(
        alice_client.get(f"/watchlists/{alice_list.pk}/").content, tag="form", role="search"
    )

    assert (
        search.attrs["action"] == search.attrs["hx-get"] == f"/watchlists/{alice_list.pk}/search/"
    )
    assert search.attrs["method"] == "get"
    assert "input delay:300ms" in search.attrs["hx-trigger"]
    assert search.attrs["hx-target"] == "#search-results"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("query", ["\x00", "\x00\x00 ", "TA\x00"])
def test_a_search_with_nul_characters_leaves_them_out_instead_of_failing(
    alice_client, alice_list, tokens, query, headers
):
    response = alice_client.get(
        f"/watchlists/{alice_list.pk}/search/", {"q": query}, headers=headers
    )

    assert response.status_code == 200
    expected = ["TAO", "TAOX"] if query.startswith("TA") else []
    assert found(response.content) == expected


def test_an_empty_or_unmatched_search_says_so(alice_client, alice_list, tokens):
    empty = alice_client.get(f"/watchlists/{alice_list.pk}/search/?q=", headers=HTMX)
    none = alice_client.get(f"/watchlists/{alice_list.pk}/search/?q=zzz", headers=HTMX)

    assert found(empty.content) == [] and "matches" not in empty.content.decode()
    assert "No active token matches “zzz”." in squash(none.content.decode())


# --- Add ------------------------------------------------------------------------------------


def test_adding_a_token_puts_it_last_and_works_without_javascript(
    alice_client, alice_list, tao, btc
):
    services.watchlist_add_token(watchlist=alice_list, symbol="BTC")

    response = alice_client.post(
        f"/watchlists/{alice_list.pk}/items/", {"symbol": "tao"}, follow=True
    )

    assert response.redirect_chain == [(f"/watchlists/{alice_list.pk}/", 302)]
    assert symbols(response.content) == ["BTC", "TAO"]
    assert "TAO added to this watchlist." in response.content.decode()


def test_adding_with_htmx_refreshes_the_add_panel_and_the_items_out_of_band(
    alice_client, alice_list, tokens
):
    response = alice_client.post(
        f"/watchlists/{alice_list.pk}/items/", {"symbol": "TAO", "q": "tao"}, headers=HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section class="panel" id="add-token"')
    assert "TAO added to this watchlist." in html
    assert "in this list" in squash(find(response.content, tag="li", data_symbol="TAO").text)
    live = find(response.content, tag="div", id="live")
    assert live.attrs["hx-swap-oob"] == "true"
    assert symbols(response.content) == ["TAO"]


@pytest.mark.parametrize(
    ("symbol", "message"),
    [
        ("", "Enter a token symbol."),
        ("NOPE", "Unknown token symbol 'NOPE'."),
        ("TAO", "TAO is already in this watchlist."),
        ("OLD", "Unknown token symbol 'OLD'."),
        ("gone", "GONE is already in this watchlist."),
        ("T\x00AO", "Null characters are not allowed."),
    ],
    ids=["empty", "unknown", "already there", "deactivated", "deactivated there", "with a NUL"],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_bad_symbol_is_explained_in_the_add_panel_and_nothing_is_added(
    alice_client, alice_list, tao, symbol, message, headers
):
    TokenFactory(symbol="OLD", is_active=False)
    gone = TokenFactory(symbol="GONE")
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    services.watchlist_add_token(watchlist=alice_list, symbol="GONE")
    Token.objects.filter(pk=gone.pk).update(is_active=False)
    before = snapshot()

    response = alice_client.post(
        f"/watchlists/{alice_list.pk}/items/", {"symbol": symbol}, headers=headers
    )

    assert response.status_code == 200
    errors = find(response.content, tag="ul", id="add-token-errors")
    assert squash(errors.text) == message
    assert errors.attrs["role"] == "alert"
    assert find(response.content, tag="input", name="q").attrs["aria-invalid"] == "true"
    assert snapshot() == before


def test_an_unknown_symbol_is_explained_in_french(alice_client, alice_list):
    response = alice_client.post(
        f"/watchlists/{alice_list.pk}/items/", {"symbol": "nope"}, headers=FRENCH
    )

    errors = squash(find(response.content, tag="ul", id="add-token-errors").text)
    assert errors == "Symbole de token inconnu « NOPE »."


def test_adding_again_a_deactivated_token_of_the_list_says_in_french_it_is_already_there(
    alice_client, alice_list, tao
):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    Token.objects.filter(pk=tao.pk).update(is_active=False)

    response = alice_client.post(
        f"/watchlists/{alice_list.pk}/items/", {"symbol": "tao"}, headers=FRENCH
    )

    errors = squash(find(response.content, tag="ul", id="add-token-errors").text)
    assert errors == "TAO est déjà dans cette liste de suivi."


# --- Remove and reorder ---------------------------------------------------------------------


@pytest.fixture
def abc(alice_list):
    for symbol in ("AAA", "BBB", "CCC"):
        TokenFactory(symbol=symbol)
        services.watchlist_add_token(watchlist=alice_list, symbol=symbol)
    return alice_list


def test_removing_a_token_without_javascript_comes_back_to_the_list(alice_client, abc):
    response = alice_client.post(f"/watchlists/{abc.pk}/items/BBB/remove/", follow=True)

    assert response.redirect_chain == [(f"/watchlists/{abc.pk}/", 302)]
    assert symbols(response.content) == ["AAA", "CCC"]
    assert "BBB removed from this watchlist." in response.content.decode()


def test_removing_a_token_with_htmx_returns_the_items_and_asks_first(alice_client, abc):
    page = alice_client.get(f"/watchlists/{abc.pk}/")
    form = find(page.content, tag="form", action=f"/watchlists/{abc.pk}/items/BBB/remove/")
    assert form.attrs["hx-confirm"] == "Remove BBB and its lots from this list?"

    response = alice_client.post(f"/watchlists/{abc.pk}/items/bbb/remove/", headers=HTMX)

    assert response.content.decode().lstrip().startswith('<div id="live"')
    assert symbols(response.content) == ["AAA", "CCC"] == in_list(abc)


def test_removing_a_token_not_in_the_list_is_a_404(alice_client, abc, tao):
    assert alice_client.post(f"/watchlists/{abc.pk}/items/TAO/remove/").status_code == 404


def test_moving_a_token_up_and_down_reorders_the_items(alice_client, abc):
    response = alice_client.post(
        f"/watchlists/{abc.pk}/items/CCC/move/", {"position": "1"}, headers=HTMX
    )
    assert symbols(response.content) == ["AAA", "CCC", "BBB"]

    response = alice_client.post(
        f"/watchlists/{abc.pk}/items/AAA/move/", {"position": "1"}, follow=True
    )
    assert response.redirect_chain == [(f"/watchlists/{abc.pk}/", 302)]
    assert symbols(response.content) == ["CCC", "AAA", "BBB"] == in_list(abc)


def test_moving_a_token_to_a_bad_position_is_a_400(alice_client, abc):
    before = snapshot()

    response = alice_client.post(f"/watchlists/{abc.pk}/items/AAA/move/", {"position": "-1"})

    assert response.status_code == 400 and snapshot() == before


# --- Note -----------------------------------------------------------------------------------


def test_editing_a_note_saves_it_and_shows_it_in_the_list(alice_client, abc):
    page = alice_client.get(f"/watchlists/{abc.pk}/items/AAA/")
    form = find(page.content, tag="form", action=f"/watchlists/{abc.pk}/items/AAA/note/")
    assert form.attrs["hx-post"] == form.attrs["action"]

    response = alice_client.post(
        f"/watchlists/{abc.pk}/items/AAA/note/", {"note": "  sell at 500  "}, follow=True
    )

    assert response.redirect_chain == [(f"/watchlists/{abc.pk}/items/AAA/", 302)]
    assert "Note saved." in response.content.decode()
    assert WatchlistItem.objects.get(token__symbol="AAA").note == "sell at 500"
    listing = alice_client.get(f"/watchlists/{abc.pk}/")
    assert "sell at 500" in squash(find(listing.content, tag="tr", data_symbol="AAA").text)


def test_editing_a_note_with_htmx_returns_the_position_panel(alice_client, abc):
    response = alice_client.post(
        f"/watchlists/{abc.pk}/items/AAA/note/", {"note": "hold"}, headers=HTMX
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="position"') and "Note saved." in html
    assert find(response.content, tag="textarea", name="note").text.strip() == "hold"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_over_long_note_is_refused_next_to_the_field(alice_client, abc, headers):
    before = snapshot()

    response = alice_client.post(
        f"/watchlists/{abc.pk}/items/AAA/note/", {"note": "x" * 501}, headers=headers
    )

    assert response.status_code == 200
    error = find(response.content, tag="ul", id="id_note_error")
    assert squash(error.text) == "At most 500 characters (it has 501)."
    assert snapshot() == before


def test_without_javascript_a_note_the_textarea_allows_is_saved_with_its_new_lines(
    alice_client, abc
):
    # maxlength counts a new line as one character; the browser posts it as CR LF.
    typed = "\n".join(["n" * 9] * 50)  # 450 + 49 new lines = 499
    response = alice_client.post(
        f"/watchlists/{abc.pk}/items/AAA/note/", {"note": typed.replace("\n", "\r\n") + "!"}
    )

    assert response.status_code == 302
    assert WatchlistItem.objects.get(token__symbol="AAA").note == typed + "!"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_note_with_a_nul_is_refused_next_to_the_field(alice_client, abc, headers):
    before = snapshot()

    response = alice_client.post(
        f"/watchlists/{abc.pk}/items/AAA/note/", {"note": "sell\x00 at 500"}, headers=headers
    )

    assert response.status_code == 200
    error = find(response.content, tag="ul", id="id_note_error")
    assert squash(error.text) == "Null characters are not allowed."
    assert snapshot() == before


def test_without_javascript_a_refused_add_keeps_the_search_results(
    alice_client, alice_list, tokens
):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO")

    response = alice_client.post(
        f"/watchlists/{alice_list.pk}/items/", {"symbol": "TAO", "q": "tao"}
    )

    assert "<html" in response.content.decode()
    assert found(response.content) == ["TAO", "TAOX"]
    assert find(response.content, tag="input", name="q").attrs["value"] == "tao"
