"""The database itself refuses what the services refuse: rows written around them included."""

from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from django.db.models import ProtectedError

from watchlists.models import Lot, Watchlist, WatchlistItem


def refused(create, **fields):
    """PostgreSQL reports an over-long varchar as a DataError, a failed check as IntegrityError."""
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        create(**fields)


@pytest.fixture
def item(alice, tao):
    watchlist = Watchlist.objects.create(owner=alice, name="Bags")
    return WatchlistItem.objects.create(watchlist=watchlist, token=tao)


@pytest.mark.parametrize("quantity", ["0", "-1", "1000000000001"])
def test_the_database_refuses_a_lot_whose_quantity_is_not_positive_or_absurd(item, quantity):
    refused(Lot.objects.create, item=item, quantity=Decimal(quantity), cost_basis_usd=1)


@pytest.mark.parametrize("cost", ["0", "-0.5", "1000000001"])
def test_the_database_refuses_a_lot_whose_cost_is_not_positive_or_absurd(item, cost):
    refused(Lot.objects.create, item=item, quantity=1, cost_basis_usd=Decimal(cost))


def test_the_database_accepts_the_largest_allowed_lot(item):
    Lot.objects.create(item=item, quantity=Decimal("1e12"), cost_basis_usd=Decimal("1e9"))


def test_the_database_refuses_two_lists_of_one_owner_named_alike_in_any_case(alice, bob):
    Watchlist.objects.create(owner=alice, name="AI bags")
    refused(Watchlist.objects.create, owner=alice, name="ai BAGS")
    Watchlist.objects.create(owner=bob, name="AI bags")


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_the_database_refuses_an_empty_or_overlong_name(alice, name):
    refused(Watchlist.objects.create, owner=alice, name=name)


def test_the_database_refuses_the_same_token_twice_in_one_list(item, tao):
    refused(WatchlistItem.objects.create, watchlist=item.watchlist, token=tao)


def test_the_database_refuses_a_note_over_500_characters(item, btc):
    refused(WatchlistItem.objects.create, watchlist=item.watchlist, token=btc, note="n" * 501)


def test_a_public_list_needs_a_share_token_and_a_private_one_has_none(alice):
    refused(Watchlist.objects.create, owner=alice, name="A", is_public=True)
    refused(Watchlist.objects.create, owner=alice, name="B", share_token="x" * 32)
    Watchlist.objects.create(owner=alice, name="C", is_public=True, share_token="x" * 32)


def test_two_lists_cannot_share_one_share_token(alice, bob):
    Watchlist.objects.create(owner=alice, name="A", is_public=True, share_token="t" * 32)
    refused(Watchlist.objects.create, owner=bob, name="B", is_public=True, share_token="t" * 32)


def test_a_token_someone_holds_cannot_be_deleted(item, tao):
    with pytest.raises(ProtectedError):
        tao.delete()


def test_deleting_a_list_deletes_its_items_and_lots(item):
    Lot.objects.create(item=item, quantity=1, cost_basis_usd=1)
    item.watchlist.delete()
    assert not WatchlistItem.objects.exists()
    assert not Lot.objects.exists()


def test_quantities_keep_eighteen_decimal_places(item):
    lot = Lot.objects.create(item=item, quantity=Decimal("0.000000000000000001"), cost_basis_usd=1)
    lot.refresh_from_db()
    assert lot.quantity == Decimal("1e-18")


def test_staff_can_browse_watchlists_in_the_admin_but_not_change_them(client, staff, item):
    client.force_login(staff)
    listing = client.get("/admin/watchlists/watchlist/")
    assert listing.status_code == 200 and b"Bags" in listing.content
    page = client.get(f"/admin/watchlists/watchlist/{item.watchlist.pk}/change/")
    assert page.status_code == 200
    assert b"TAO" in page.content and b'name="_save"' not in page.content
    assert client.get("/admin/watchlists/watchlist/add/").status_code == 403
