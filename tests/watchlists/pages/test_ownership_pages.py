"""Who may use which watchlist page: every page and htmx partial, for an anonymous visitor
(sent to sign in), the owner (200, or 302 after a plain POST), another user and staff (404,
like any other user: ids reveal nothing), and nothing changed by a refused request."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.watchlists.conftest import lot
from tests.watchlists.pages.conftest import HTMX, snapshot
from watchlists import services
from watchlists.models import Lot

W = "/watchlists/{id}/"
I = W + "items/TAO/"  # noqa: E741
CSV = "symbol,quantity,cost_basis_usd,purchased_at,note\nNEAR,1,2,,\n"


def csv_file():
    return SimpleUploadedFile("p.csv", CSV.encode(), content_type="text/csv")


# (method, path, data, owner's status without htmx, with htmx)
ROUTES = [
    ("get", W, None, 200, 200),
    ("get", W + "rename/", None, 200, 200),
    ("post", W + "rename/", {"name": "Renamed"}, 302, 302),
    ("get", W + "delete/", None, 200, 200),
    ("post", W + "delete/", None, 302, 302),
    ("post", W + "move/", {"position": "1"}, 302, 200),
    ("post", W + "share/", {"action": "public"}, 302, 200),
    ("get", W + "search/?q=ne", None, 200, 200),
    ("get", W + "export.csv", None, 200, 200),
    ("get", W + "import/", None, 200, 200),
    ("post", W + "import/", "csv", 302, 302),
    ("post", W + "items/", {"symbol": "NEAR"}, 302, 200),
    ("get", I, None, 200, 200),
    ("post", I + "remove/", None, 302, 200),
    ("post", I + "move/", {"position": "1"}, 302, 200),
    ("post", I + "note/", {"note": "mine"}, 302, 200),
    ("post", I + "lots/", {"quantity": "1", "cost_basis_usd": "2"}, 302, 200),
    ("post", I + "lots/{lot}/remove/", None, 302, 200),
    ("post", "/watchlists/add/", {"symbol": "NEAR", "watchlist": "{id}"}, 302, 200),
]
IDS = [f"{method} {path}" for method, path, *_ in ROUTES]
# Plain pages, without an htmx partial: htmx gets them whole.
WHOLE_PAGES = {W + "rename/", W + "delete/", W + "import/"}
# Pages that are not about one watchlist: anonymous visitors only are refused.
OWN_PAGES = [
    ("get", "/watchlists/"),
    ("post", "/watchlists/"),
    ("get", "/watchlists/add/?symbol=TAO"),
]


@pytest.fixture
def alices(alice, tao, btc, near):
    watchlist = services.watchlist_create(owner=alice, name="AI bags")
    services.watchlist_create(owner=alice, name="Second")
    services.watchlist_add_token(
        watchlist=watchlist, symbol="TAO", note="secret", lots=[lot("3", "100")]
    )
    services.watchlist_add_token(watchlist=watchlist, symbol="BTC")
    return watchlist


def call(client, method, path, data, watchlist, headers):
    lot_id = Lot.objects.filter(item__watchlist=watchlist).values_list("pk", flat=True).first()
    path = path.format(id=watchlist.pk, lot=lot_id)
    if data == "csv":
        data = {"file": csv_file()}
    elif data:
        data = {key: value.format(id=watchlist.pk) for key, value in data.items()}
    return getattr(client, method)(path, data, headers=headers)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("method", "path", "data", "plain", "with_htmx"), ROUTES, ids=IDS)
def test_the_owner_may_use_every_page(
    client_as, alice, alices, method, path, data, plain, with_htmx, htmx
):
    response = call(client_as(alice), method, path, data, alices, HTMX if htmx else {})

    assert response.status_code == (with_htmx if htmx else plain)
    if htmx and response.status_code == 200 and path != W + "export.csv":
        full_page = "<html" in response.content.decode()
        assert full_page == (method == "get" and path in WHOLE_PAGES)


@pytest.mark.parametrize(("method", "path", "data", "plain", "with_htmx"), ROUTES, ids=IDS)
def test_an_anonymous_visitor_is_sent_to_sign_in_and_changes_nothing(
    client_as, alices, method, path, data, plain, with_htmx
):
    before = snapshot()

    response = call(client_as(None), method, path, data, alices, {})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "data", "plain", "with_htmx"), ROUTES, ids=IDS)
def test_an_anonymous_htmx_request_sends_the_whole_page_to_sign_in(
    client_as, alices, method, path, data, plain, with_htmx
):
    before = snapshot()
    page = f"http://testserver/watchlists/{alices.pk}/"

    response = call(client_as(None), method, path, data, alices, HTMX | {"HX-Current-URL": page})

    assert response.status_code == 200 and response.content == b""
    assert (
        response["HX-Redirect"]
        == f"/accounts/login/?next={quote(f'/watchlists/{alices.pk}/', safe='')}"
    )
    assert snapshot() == before


def test_a_visitor_signing_in_from_a_page_comes_back_to_it(client_as, alices):
    response = client_as(None).get(f"/watchlists/{alices.pk}/items/TAO/")

    assert response["Location"] == f"/accounts/login/?next=/watchlists/{alices.pk}/items/TAO/"


@pytest.mark.parametrize("who", ["bob", "charlie", "staff"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("method", "path", "data", "plain", "with_htmx"), ROUTES, ids=IDS)
def test_another_user_or_staff_gets_404_everywhere_and_changes_nothing(
    request, client_as, alices, who, htmx, method, path, data, plain, with_htmx
):
    user = request.getfixturevalue(who)
    before = snapshot()

    response = call(client_as(user), method, path, data, alices, HTMX if htmx else {})

    assert response.status_code == 404
    assert b"secret" not in response.content and b"AI bags" not in response.content
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), OWN_PAGES)
def test_anonymous_visitors_cannot_see_nor_create_lists(client_as, tao, method, path):
    response = getattr(client_as(None), method)(path, {"name": "x"} if method == "post" else None)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["bob", "staff"])
def test_other_users_and_staff_see_only_their_own_lists_on_the_index(
    request, client_as, alices, who
):
    html = client_as(request.getfixturevalue(who)).get("/watchlists/").content.decode()

    assert "AI bags" not in html and "No watchlists yet" in html


def test_a_missing_or_huge_id_is_a_404(client_as, alice):
    client = client_as(alice)

    assert client.get("/watchlists/999999/").status_code == 404
    assert client.get(f"/watchlists/{10**30}/").status_code == 404
    assert client.get("/watchlists/abc/").status_code == 404
