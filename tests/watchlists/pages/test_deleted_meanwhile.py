"""A list or item another request deletes while this one changes it: a 404, not a 500, and
nothing comes back to life."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.watchlists.conftest import lot
from tests.watchlists.pages.conftest import HTMX
from watchlists import selectors, services
from watchlists.models import Lot, Watchlist, WatchlistItem

CSV = b"symbol,quantity,cost_basis_usd,purchased_at,note\nTAO,1,1,,\n"


@pytest.fixture
def held(alice_list, tao, btc, near):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot("1", "1")])
    services.watchlist_add_token(watchlist=alice_list, symbol="BTC")
    return alice_list


def deleted_after_lookup(monkeypatch, lookup: str, delete) -> None:
    """The page finds its row (``lookup``, a selector), then another request ``delete``s it."""
    found = getattr(selectors, lookup)

    def lookup_then_delete(**kwargs):
        row = found(**kwargs)
        delete(row)
        return row

    monkeypatch.setattr(selectors, lookup, lookup_then_delete)


def list_deleted(row) -> None:
    Watchlist.objects.filter(pk=getattr(row, "watchlist_id", row.pk)).delete()


def item_removed(item) -> None:
    WatchlistItem.objects.filter(pk=item.pk).delete()


LIST_CHANGES = [
    ("move/", {"position": "1"}),
    ("rename/", {"name": "New name"}),
    ("share/", {"action": "public"}),
    ("items/", {"symbol": "NEAR"}),
    ("import/", {"file": CSV}),
    ("/watchlists/add/", {"symbol": "NEAR"}),
]
ITEM_CHANGES = [
    ("items/TAO/move/", {"position": "1"}),
    ("items/TAO/note/", {"note": "sell"}),
    ("items/TAO/lots/", {"quantity": "2", "cost_basis_usd": "3"}),
    ("items/TAO/remove/", {}),
]


def post(client, watchlist, path: str, data: dict, headers: dict):
    url = path if path.startswith("/") else f"/watchlists/{watchlist.pk}/{path}"
    if path == "/watchlists/add/":
        data = data | {"watchlist": watchlist.pk}
    if "file" in data:
        data = {"file": SimpleUploadedFile("positions.csv", data["file"])}
    return client.post(url, data, headers=headers)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(("path", "data"), LIST_CHANGES + ITEM_CHANGES)
def test_changing_a_list_deleted_meanwhile_is_a_404(
    alice_client, held, monkeypatch, path, data, headers
):
    lookup = "watchlist_item_get" if path.startswith("items/TAO/") else "watchlist_get_for_user"
    deleted_after_lookup(monkeypatch, lookup, list_deleted)

    response = post(alice_client, held, path, data, headers)

    assert response.status_code == 404
    assert not Watchlist.objects.exists()
    assert not WatchlistItem.objects.exists() and not Lot.objects.exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(("path", "data"), ITEM_CHANGES)
def test_changing_an_item_removed_meanwhile_is_a_404(
    alice_client, held, monkeypatch, path, data, headers
):
    deleted_after_lookup(monkeypatch, "watchlist_item_get", item_removed)

    response = post(alice_client, held, path, data, headers)

    assert response.status_code == 404
    assert list(WatchlistItem.objects.values_list("token__symbol", "note")) == [("BTC", "")]
    assert not Lot.objects.exists()
