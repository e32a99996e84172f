"""Lots of a position: listed on the token's page in the list, added and removed."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.markets.pages.html import find, find_all, squash
from tests.watchlists.pages.conftest import FRENCH, HTMX, snapshot
from watchlists.models import Lot
from watchlists.templatetags.watchlist_tags import qty


def item_url(watchlist, symbol="TAO") -> str:
    return f"/watchlists/{watchlist.pk}/items/{symbol}/"


def lots(content) -> list[str]:
    return [squash(row.text) for row in find_all(content, tag="tr", data_lot=True)]


def test_the_item_page_lists_the_lots_and_the_positions_figures(alice_client, bags):
    response = alice_client.get(item_url(bags))

    assert response.status_code == 200
    assert len(lots(response.content)) == 2
    first = lots(response.content)[0]
    assert "Feb. 4, 2026" in first and "$95.00" in first and "$190.00" in first
    figures = squash(find(response.content, id="position").text)
    assert "$297.00" in figures and "$320.00" in figures and "my secret plan" in figures


def test_a_lot_without_a_date_says_when_it_was_added(alice_client, bags):
    icp = lots(alice_client.get(item_url(bags, "ICP")).content)

    assert icp == ["not given (added Feb. 6, 2026) 1 $10.00 $10.00 Remove the lot of 1"]


def test_a_tiny_lots_cost_shows_its_significant_digits_in_english_and_french(alice_client, bags):
    item = bags.items.get(token__symbol="TAO")
    Lot.objects.create(item=item, quantity=Decimal("0.000001"), cost_basis_usd=Decimal("0.05"))

    english = lots(alice_client.get(item_url(bags)).content)
    with translation.override("fr"):
        french = lots(alice_client.get(item_url(bags), headers=FRENCH).content)

    assert any("$0.0500 $0.000000050" in row for row in english), english
    assert any("0,0500 $ 0,000000050 $" in row for row in french), french


def test_a_lots_cost_per_unit_shows_every_decimal_it_was_given(alice_client, bags):
    """A lot bought at 1,999 $ showed "2,00 $" a unit beside a cost of 666,33 $ for 333,333
    tokens: the row did not add up and the price paid was not the one typed."""
    item = bags.items.get(token__symbol="TAO")
    Lot.objects.create(item=item, quantity=Decimal("333.333"), cost_basis_usd=Decimal("1.999"))
    Lot.objects.create(item=item, quantity=Decimal("1000"), cost_basis_usd=Decimal("3.21730"))

    with translation.override("fr"):
        french = lots(alice_client.get(item_url(bags), headers=FRENCH).content)
    english = lots(alice_client.get(item_url(bags)).content)

    assert any("333,333 1,999 $ 666,33 $" in row for row in french), french
    assert any("1 000 3,2173 $ 3 217,30 $" in row for row in french), french
    assert any("$1.999 $666.33" in row for row in english), english
    assert any("$95.00" in row for row in english)  # whole cents keep two decimals


def test_adding_a_lot_without_javascript_comes_back_to_the_item_page(alice_client, bags):
    response = alice_client.post(
        f"{item_url(bags)}lots/",
        {"quantity": "0.5", "cost_basis_usd": "80", "purchased_at": "2026-02-06"},
        follow=True,
    )

    assert response.redirect_chain == [(item_url(bags), 302)]
    assert "Lot added." in response.content.decode()
    assert len(lots(response.content)) == 3
    lot = Lot.objects.order_by("id").last()
    assert (lot.quantity, lot.cost_basis_usd, lot.purchased_at) == (
        Decimal("0.5"),
        Decimal("80"),
        date(2026, 2, 6),
    )


def test_the_lot_form_sent_twice_without_javascript_adds_one_lot(alice_client, bags):
    page = alice_client.get(item_url(bags)).content
    key = find(page, tag="input", name="form_key").attrs["value"]
    posted = {"quantity": "0.5", "cost_basis_usd": "80", "form_key": key}
    before = Lot.objects.count()

    first = alice_client.post(f"{item_url(bags)}lots/", posted)
    second = alice_client.post(f"{item_url(bags)}lots/", posted, follow=True)

    assert first.status_code == 302 and second.redirect_chain == [(item_url(bags), 302)]
    assert Lot.objects.count() == before + 1
    assert len(lots(second.content)) == 3
    fresh = find(second.content, tag="input", name="form_key").attrs["value"]
    assert fresh != key  # the next lot is a new one


def test_adding_a_lot_with_htmx_returns_the_refreshed_position(alice_client, bags):
    response = alice_client.post(
        f"{item_url(bags)}lots/", {"quantity": "1", "cost_basis_usd": "99"}, headers=HTMX
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="position"') and "<html" not in html
    assert len(lots(response.content)) == 3
    assert "$396.00" in squash(html)  # 4 TAO at 99 $
    assert find(response.content, tag="input", name="quantity").attrs.get("value") is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", "0", "The quantity must be greater than 0."),
        ("quantity", "-3", "The quantity must be greater than 0."),
        ("quantity", "", "Enter a quantity."),
        ("quantity", "abc", "'abc' is not a number."),
        ("cost_basis_usd", "0", "The cost per unit must be greater than 0."),
        ("cost_basis_usd", "1.0000000000001", "The cost per unit has more than 12 decimal places."),
        ("purchased_at", "2027-01-01", "The purchase date is in the future."),
        ("purchased_at", "06/02/2026", "'06/02/2026' is not a date (YYYY-MM-DD)."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_bad_lot_is_explained_next_to_its_field_and_nothing_is_saved(
    alice_client, bags, field, value, message, headers
):
    data = {"quantity": "1", "cost_basis_usd": "10", "purchased_at": ""} | {field: value}
    before = snapshot()

    response = alice_client.post(f"{item_url(bags)}lots/", data, headers=headers)

    assert response.status_code == 200
    assert squash(find(response.content, tag="ul", id=f"id_{field}_error").text) == message
    assert find(response.content, tag="input", name=field).attrs["aria-invalid"] == "true"
    typed = find(response.content, tag="input", name=field).attrs.get("value")
    assert typed == (value or None)  # what was typed stays in the field
    assert snapshot() == before


@pytest.mark.parametrize("field", ["quantity", "cost_basis_usd", "purchased_at"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_lot_with_a_nul_is_refused_next_to_the_field(alice_client, bags, field, headers):
    data = {"quantity": "1", "cost_basis_usd": "10", "purchased_at": "2026-02-01"}
    data[field] += "\x00"
    before = snapshot()

    response = alice_client.post(f"{item_url(bags)}lots/", data, headers=headers)

    assert response.status_code == 200
    error = find(response.content, tag="ul", id=f"id_{field}_error")
    assert squash(error.text) == "Null characters are not allowed."
    assert snapshot() == before


def test_a_zero_quantity_is_explained_in_french(alice_client, bags):
    response = alice_client.post(
        f"{item_url(bags)}lots/", {"quantity": "0", "cost_basis_usd": "10"}, headers=FRENCH
    )

    error = squash(find(response.content, tag="ul", id="id_quantity_error").text)
    assert error == "La quantité doit être supérieure à 0."


def test_removing_a_lot_keeps_the_others(alice_client, bags):
    first = Lot.objects.filter(item__token__symbol="TAO").order_by("id").first()
    form = find(
        alice_client.get(item_url(bags)).content,
        tag="form",
        action=f"{item_url(bags)}lots/{first.pk}/remove/",
    )
    assert form.attrs["hx-post"] == form.attrs["action"]

    response = alice_client.post(f"{item_url(bags)}lots/{first.pk}/remove/", headers=HTMX)

    assert len(lots(response.content)) == 1
    assert "Lot removed." in response.content.decode()
    assert not Lot.objects.filter(pk=first.pk).exists()


def test_removing_a_lot_asks_first_naming_the_lot_in_the_pages_language(alice_client, bags):
    """A mistap on Remove deleted a lot (its quantity, cost and date) at once, with no way
    back, while removing a token asks first."""
    first, second = Lot.objects.filter(item__token__symbol="TAO").order_by("id")

    def confirmation(lot, headers=None) -> str:
        page = alice_client.get(item_url(bags), headers=headers or {}).content
        form = find(page, tag="form", action=f"{item_url(bags)}lots/{lot.pk}/remove/")
        return form.attrs["hx-confirm"]

    assert confirmation(first) == "Remove the lot of 2 bought on Feb. 4, 2026?"
    assert confirmation(second, FRENCH) == "Retirer le lot de 1 acheté le 5 février 2026\u202f?"


def test_removing_a_lot_without_a_date_asks_first_naming_its_quantity(alice_client, bags):
    icp = Lot.objects.get(item__token__symbol="ICP")
    page = alice_client.get(item_url(bags, "ICP")).content
    form = find(page, tag="form", action=f"{item_url(bags, 'ICP')}lots/{icp.pk}/remove/")
    assert form.attrs["hx-confirm"] == "Remove the lot of 1?"


def test_removing_a_lot_of_another_token_or_a_missing_lot_is_a_404(alice_client, bags):
    icp_lot = Lot.objects.get(item__token__symbol="ICP")
    before = snapshot()

    assert alice_client.post(f"{item_url(bags)}lots/{icp_lot.pk}/remove/").status_code == 404
    assert alice_client.post(f"{item_url(bags)}lots/999999/remove/").status_code == 404
    assert snapshot() == before


def test_a_token_not_in_the_list_has_no_item_page(alice_client, bags, near):
    assert alice_client.get(item_url(bags, "NEAR")).status_code == 404
    assert alice_client.get(item_url(bags, "tao")).status_code == 200


def test_a_french_page_takes_a_decimal_comma(alice_client, bags):
    response = alice_client.post(
        f"{item_url(bags)}lots/", {"quantity": "1,5", "cost_basis_usd": "80,25"}, headers=FRENCH
    )

    assert response.status_code == 302
    lot = Lot.objects.order_by("id").last()
    assert (lot.quantity, lot.cost_basis_usd) == (Decimal("1.5"), Decimal("80.25"))


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ("1 000,5", "1000.5"),
        ("1\u00a0000,5", "1000.5"),  # as the French pages show quantities
        ("1\u202f000\u202f000", "1000000"),
        (" 12 345,678 ", "12345.678"),
    ],
)
def test_a_french_page_takes_thousands_grouped_by_spaces_as_it_shows_them(
    alice_client, bags, quantity, expected
):
    with translation.override("fr"):
        shown = qty(Decimal(expected))

    response = alice_client.post(
        f"{item_url(bags)}lots/", {"quantity": quantity, "cost_basis_usd": "2"}, headers=FRENCH
    )
    again = alice_client.post(
        f"{item_url(bags)}lots/", {"quantity": shown, "cost_basis_usd": "2"}, headers=FRENCH
    )

    assert (response.status_code, again.status_code) == (302, 302)
    lots = Lot.objects.order_by("-id")[:2]
    assert [lot.quantity for lot in lots] == [Decimal(expected)] * 2


@pytest.mark.parametrize("quantity", ["1 00,5", "1 0000", "1,000,5", "1 000.5"])
def test_a_french_page_refuses_spaces_that_do_not_group_thousands(alice_client, bags, quantity):
    before = snapshot()

    response = alice_client.post(
        f"{item_url(bags)}lots/", {"quantity": quantity, "cost_basis_usd": "2"}, headers=FRENCH
    )

    assert find(response.content, tag="ul", id="id_quantity_error") is not None
    assert snapshot() == before


def test_an_english_page_refuses_a_comma_rather_than_guess_what_it_means(alice_client, bags):
    before = snapshot()

    response = alice_client.post(
        f"{item_url(bags)}lots/", {"quantity": "1,500", "cost_basis_usd": "80"}
    )

    assert "is not a number" in squash(
        find(response.content, tag="ul", id="id_quantity_error").text
    )
    assert snapshot() == before


@pytest.mark.parametrize("quantity", ["1_000", "\u0663", "\uff11\uff12"])
def test_digits_other_than_ascii_and_underscores_are_refused(alice_client, bags, quantity):
    before = snapshot()

    response = alice_client.post(
        f"{item_url(bags)}lots/", {"quantity": quantity, "cost_basis_usd": "80"}
    )

    assert find(response.content, tag="ul", id="id_quantity_error") is not None
    assert snapshot() == before


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("12"), "+$12.00"),
        (Decimal("0.004"), "+$0.004000"),
        (Decimal("0.00000005"), "+$0.000000050"),
        (Decimal("-0.00000005"), "\u2212$0.000000050"),
        (Decimal("0"), "$0.00"),
        (Decimal("1e-40"), "$0.00000000000000000000000000000000"),
    ],
)
def test_a_gain_gets_its_plus_sign_whenever_its_digits_show(value, shown):
    from watchlists.templatetags.watchlist_tags import signed_usd

    with translation.override("en"):
        assert signed_usd(value) == shown


def test_the_language_links_of_a_refused_lot_form_lead_back_to_the_item_page(alice_client, bags):
    """Without JavaScript the refused form is shown at the address it was sent to, which
    only takes forms: "Français" led there, to a 405 "Nothing to show here" page."""
    response = alice_client.post(
        f"{item_url(bags)}lots/",
        {"quantity": "abc", "cost_basis_usd": "80"},
        headers={"Referer": f"http://testserver{item_url(bags)}"},
    )

    french = find(response.content, tag="a", data_language="fr").attrs["href"]
    assert french == f"/i18n/switch/?language=fr&next={item_url(bags)}"  # not …/lots/


def _many_lots(watchlist, count: int) -> None:
    item = watchlist.items.get(token__symbol="TAO")
    Lot.objects.bulk_create(
        Lot(item=item, quantity=i + 1, cost_basis_usd=7, purchased_at=date(2026, 1, 1))
        for i in range(count)
    )


@pytest.fixture
def twenty_a_page(monkeypatch):
    monkeypatch.setattr(importlib.import_module("watchlists.views.items"), "LOTS_PER_PAGE", 20)


def test_the_lots_are_shown_a_page_at_a_time_with_links_that_keep_their_href(
    alice_client, bags, twenty_a_page
):
    _many_lots(bags, 40)  # 42 lots with the 2 of the fixture: pages of 20, 20 and 2

    first = alice_client.get(item_url(bags))
    last = alice_client.get(item_url(bags), {"page": "3"})
    swapped = alice_client.get(item_url(bags), {"page": "2"}, headers=HTMX)

    assert len(lots(first.content)) == 20
    assert lots(last.content)[-1].startswith("Jan. 1, 2026 40 ")
    assert len(lots(last.content)) == 2
    following = find(first.content, tag="a", rel="next")
    assert following.attrs["href"] == "?page=2" and following.attrs["hx-get"] == "?page=2"
    assert find(last.content, tag="a", rel="prev").attrs["href"] == "?page=2"
    assert len(lots(swapped.content)) == 20 and b"<html" not in swapped.content
    assert "Lots 1 to 20 of 42" in squash(first.content.decode())
    french = alice_client.get(item_url(bags), headers=FRENCH)
    assert "Lots 1 à 20 sur 42" in squash(french.content.decode())
    assert squash(find(french.content, tag="a", rel="next").text) == "Lots suivants"


def test_removing_a_lot_from_a_later_page_shows_that_page_again(alice_client, bags, twenty_a_page):
    _many_lots(bags, 40)
    lot = Lot.objects.filter(item__watchlist=bags).order_by("id")[25]
    on_page_2 = {**HTMX, "HX-Current-URL": f"http://testserver{item_url(bags)}?page=2"}

    response = alice_client.post(f"{item_url(bags)}lots/{lot.pk}/remove/", headers=on_page_2)

    assert "Lots 21 to 40 of 41" in squash(response.content.decode())


def test_the_lots_page_takes_the_same_number_of_queries_for_3_or_300_lots(
    alice_client, bags, twenty_a_page
):
    counts = []
    for extra in (1, 297):
        _many_lots(bags, extra)
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(item_url(bags))
        assert len(lots(response.content)) == min(20, 2 + extra)
        counts.append(len([q for q in queries if "episodes_" not in q["sql"]]))
        Lot.objects.filter(item__watchlist=bags, purchased_at=date(2026, 1, 1)).delete()
    assert counts[0] == counts[1]
    assert len(response.content) < 200_000
