"""/watchlists/: the user's lists, created, renamed, deleted (after confirmation) and ordered."""

import pytest

from tests.markets.pages.html import find, find_all, squash
from tests.watchlists.conftest import lot
from tests.watchlists.pages.conftest import FRENCH, HTMX, snapshot
from watchlists import services
from watchlists.models import Lot, Watchlist, WatchlistItem

INDEX = "/watchlists/"


def rows(content):
    return find_all(content, tag="tr", data_watchlist=True)


def listed(content) -> list[str]:
    return [squash(row.children[0].text) for row in rows(content)]


# --- Listing --------------------------------------------------------------------------------


def test_viewing_the_index_creates_nothing_and_offers_the_create_form(alice_client, alice):
    response = alice_client.get(INDEX)

    assert response.status_code == 200
    assert listed(response.content) == []
    assert "No watchlists yet: create one below." in response.content.decode()
    assert not Watchlist.objects.filter(owner=alice).exists()


def test_the_lists_show_in_the_users_order_with_their_token_counts(alice_client, alice, tao):
    services.watchlist_create(owner=alice, name="First")
    second = services.watchlist_create(owner=alice, name="Second")
    services.watchlist_add_token(watchlist=second, symbol="TAO")

    response = alice_client.get(INDEX)

    assert listed(response.content) == ["First", "Second"]
    second_row = squash(rows(response.content)[1].text)
    assert "1" in second_row
    assert find(response.content, tag="a", href=f"/watchlists/{second.pk}/")


def test_other_users_lists_are_not_shown(alice_client, alice, bob):
    services.watchlist_create(owner=bob, name="Bob's secret list")

    html = alice_client.get(INDEX).content.decode()

    assert "Bob&#x27;s secret list" not in html and "Bob's secret list" not in html


def test_the_index_reads_in_french(alice_client):
    html = squash(alice_client.get(INDEX, headers=FRENCH).content.decode())

    assert "Vos listes de suivi" in html
    assert "Nouvelle liste de suivi" in html


# --- Create ---------------------------------------------------------------------------------


def test_creating_a_watchlist_adds_it_last_and_comes_back_to_the_index(alice_client, alice):
    services.watchlist_default_ensure(user=alice)

    response = alice_client.post(INDEX, {"name": "  AI bags  "}, follow=True)

    assert response.redirect_chain == [(INDEX, 302)]
    assert listed(response.content) == ["My watchlist", "AI bags"]
    assert response.content.decode().count("Watchlist “AI bags” created.") == 1


def test_creating_with_htmx_returns_only_the_lists_with_the_new_one_marked(alice_client, alice):
    services.watchlist_default_ensure(user=alice)

    response = alice_client.post(INDEX, {"name": "AI bags"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="watchlists"')
    assert listed(response.content) == ["My watchlist", "AI bags"]
    new = Watchlist.objects.get(owner=alice, name="AI bags")
    assert find(response.content, tag="tr", data_watchlist=str(new.pk)).attrs["class"] == "wl-new"
    assert "Watchlist “AI bags” created." in html


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name."),
        ("   ", "Enter a name."),
        ("x" * 81, "At most 80 characters (it has 81)."),
        ("my WATCHLIST", "You already have a watchlist named 'my WATCHLIST'."),
        ("a\x00b", "Null characters are not allowed."),
    ],
    ids=["empty", "blank", "too long", "duplicate in another case", "with a NUL"],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_bad_name_is_shown_next_to_the_field_and_nothing_is_created(
    alice_client, alice, name, message, headers
):
    services.watchlist_default_ensure(user=alice)
    before = snapshot()

    response = alice_client.post(INDEX, {"name": name}, headers=headers)

    assert response.status_code == 200
    errors = find(response.content, tag="ul", id="id_name_error")
    assert squash(errors.text) == message
    assert find(response.content, tag="input", name="name").attrs["aria-invalid"] == "true"
    assert snapshot() == before


def test_a_bad_name_is_shown_in_french_to_a_french_reader(alice_client):
    response = alice_client.post(INDEX, {"name": ""}, headers=FRENCH)

    assert "Saisissez un nom." in find(response.content, tag="ul", id="id_name_error").text


# --- Rename ---------------------------------------------------------------------------------


def test_renaming_shows_the_current_name_then_saves_the_new_one(alice_client, alice_list):
    page = alice_client.get(f"/watchlists/{alice_list.pk}/rename/")
    assert find(page.content, tag="input", name="name").attrs["value"] == "AI bags"

    response = alice_client.post(f"/watchlists/{alice_list.pk}/rename/", {"name": "Bags"})

    assert response.status_code == 302 and response["Location"] == f"/watchlists/{alice_list.pk}/"
    alice_list.refresh_from_db()
    assert alice_list.name == "Bags"


def test_renaming_to_another_lists_name_is_refused_and_keeps_the_old_name(
    alice_client, alice, alice_list
):
    services.watchlist_create(owner=alice, name="Other")
    before = snapshot()

    response = alice_client.post(f"/watchlists/{alice_list.pk}/rename/", {"name": "OTHER"})

    assert response.status_code == 200
    assert "You already have a watchlist named" in response.content.decode()
    assert snapshot() == before
    assert "Rename “AI bags”" in squash(find(response.content, tag="h1").text)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_renaming_to_a_name_with_a_nul_is_refused_next_to_the_field(
    alice_client, alice_list, headers
):
    before = snapshot()

    response = alice_client.post(
        f"/watchlists/{alice_list.pk}/rename/", {"name": "Ba\x00gs"}, headers=headers
    )

    assert response.status_code == 200
    errors = find(response.content, tag="ul", id="id_name_error")
    assert squash(errors.text) == "Null characters are not allowed."
    assert snapshot() == before


# --- Delete ---------------------------------------------------------------------------------


def test_deleting_asks_for_confirmation_before_anything_goes(alice_client, alice_list, tao):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot(1, 1)])

    response = alice_client.get(f"/watchlists/{alice_list.pk}/delete/")

    assert response.status_code == 200
    text = squash(response.content.decode())
    assert "Delete “AI bags”?" in text
    assert "its 1 token go, with their 1 lots" in text
    form = find(response.content, tag="form", method="post")
    assert form.attrs["action"] == f"/watchlists/{alice_list.pk}/delete/"
    assert Watchlist.objects.filter(pk=alice_list.pk).exists()


@pytest.mark.parametrize(
    ("headers", "sentence"),
    [
        ({}, "This also deletes: 2 alert rules."),
        (FRENCH, "Ceci supprime aussi : 2 règles d\u2019alerte."),
    ],
    ids=["english", "french"],
)
def test_the_confirmation_names_the_alert_rules_that_go_with_the_list(
    alice_client, alice, alice_list, bob, headers, sentence
):
    from alerts.models import AlertRule
    from alerts.services import alert_create

    def rule_on(watchlist, owner, value=1):
        fields = {"condition": "less_than", "value": value, "target": "watchlist"}
        return alert_create(owner=owner, watchlist_id=watchlist.pk, **fields)

    rule_on(alice_list, alice)
    rule_on(alice_list, alice, value=2)  # an identical second one would be refused
    rule_on(services.watchlist_create(owner=bob, name="Bob's"), bob)  # not alice's, stays

    page = squash(alice_client.get(f"/watchlists/{alice_list.pk}/delete/", headers=headers).text)
    alice_client.post(f"/watchlists/{alice_list.pk}/delete/")

    assert sentence in page
    assert list(AlertRule.objects.values_list("owner__username", flat=True)) == [bob.username]


def test_the_confirmation_names_no_alert_rules_when_there_are_none(alice_client, alice_list):
    page = squash(alice_client.get(f"/watchlists/{alice_list.pk}/delete/").text)

    assert "This also deletes" not in page


def test_confirming_deletes_the_list_with_its_items_and_lots(alice_client, alice, alice_list, tao):
    services.watchlist_create(owner=alice, name="Kept")
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot(1, 1)])

    response = alice_client.post(f"/watchlists/{alice_list.pk}/delete/", follow=True)

    assert response.redirect_chain == [(INDEX, 302)]
    assert listed(response.content) == ["Kept"]
    assert "Watchlist “AI bags” deleted." in response.content.decode()
    assert not WatchlistItem.objects.exists() and not Lot.objects.exists()


@pytest.mark.parametrize(
    ("headers", "warning"),
    [
        ({}, "It is your only watchlist: you will have none left until you create one"),
        (FRENCH, "seule liste de suivi : vous n\u2019en aurez plus aucune"),
    ],
    ids=["english", "french"],
)
def test_deleting_the_only_list_warns_that_none_is_left_which_is_what_happens(
    alice_client, alice, alice_list, headers, warning
):
    page = squash(alice_client.get(f"/watchlists/{alice_list.pk}/delete/", headers=headers).text)

    response = alice_client.post(f"/watchlists/{alice_list.pk}/delete/", follow=True)

    assert warning in page
    assert "My watchlist" not in page  # no empty list takes its place (nor did it ever)
    assert listed(response.content) == []
    assert not Watchlist.objects.filter(owner=alice).exists()


# --- Order ----------------------------------------------------------------------------------


@pytest.fixture
def three(alice):
    return [services.watchlist_create(owner=alice, name=name) for name in ("A", "B", "C")]


def test_moving_a_list_down_posts_its_new_position_and_works_without_javascript(
    alice_client, three
):
    a = three[0]
    page = alice_client.get(INDEX)
    down = [
        form
        for form in find_all(page.content, tag="form", action=f"/watchlists/{a.pk}/move/")
        if any(c.attrs.get("value") == "1" for c in form.children)
    ]
    assert down, "A has a move-down form posting position 1"

    response = alice_client.post(f"/watchlists/{a.pk}/move/", {"position": "1"}, follow=True)

    assert response.redirect_chain == [(INDEX, 302)]
    assert listed(response.content) == ["B", "A", "C"]


def test_moving_a_list_up_with_htmx_returns_the_reordered_lists(alice_client, three):
    response = alice_client.post(
        f"/watchlists/{three[2].pk}/move/", {"position": "0"}, headers=HTMX
    )

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert listed(response.content) == ["C", "A", "B"]


def test_the_first_list_cannot_move_up_nor_the_last_down(alice_client, three):
    content = alice_client.get(INDEX).content
    first, last = rows(content)[0], rows(content)[-1]

    def buttons(row):
        found = []

        def walk(element):
            for child in element.children:
                if child.tag == "button":
                    found.append(child)
                walk(child)

        walk(row)
        return found

    assert "disabled" in buttons(first)[0].attrs  # up
    assert "disabled" in buttons(last)[1].attrs  # down


@pytest.mark.parametrize("position", ["", "-1", "one", "1.5", "9" * 12])
def test_a_bad_position_is_a_400_and_changes_nothing(alice_client, three, position):
    before = snapshot()

    response = alice_client.post(f"/watchlists/{three[0].pk}/move/", {"position": position})

    assert response.status_code == 400
    assert "Enter a whole number, 0 or more." in response.content.decode()
    assert snapshot() == before
