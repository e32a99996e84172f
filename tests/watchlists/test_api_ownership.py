"""Who may do what: every watchlists API route for anonymous visitors (401), the owner (2xx),
another user (404) and staff (404, like any other user), plus the two ways to sign in."""

import pytest
from rest_framework.authtoken.models import Token as ApiToken
from rest_framework.test import APIClient

from tests.watchlists.conftest import lot
from watchlists import services
from watchlists.models import Lot, Watchlist, WatchlistItem

BASE = "/api/v1/watchlists/{id}/"
ROUTES = [
    ("get", BASE, None, 200),
    ("patch", BASE, {"name": "Renamed", "is_public": True}, 200),
    ("delete", BASE, None, 204),
    ("get", BASE + "items/", None, 200),
    ("post", BASE + "items/", {"symbol": "BTC", "lots": [{"quantity": 1, "cost_basis_usd": 2}]},
     201),
    ("get", BASE + "items/TAO/", None, 200),
    ("patch", BASE + "items/TAO/", {"note": "mine", "lots": []}, 200),
    ("delete", BASE + "items/TAO/", None, 204),
]  # fmt: skip
ROUTE_IDS = [f"{method} {path}" for method, path, _, _ in ROUTES]


@pytest.fixture
def alices(alice, tao, btc):
    watchlist = services.watchlist_create(owner=alice, name="AI bags")
    services.watchlist_add_token(
        watchlist=watchlist, symbol="TAO", note="secret", lots=[lot("3", "100")]
    )
    return watchlist


def snapshot() -> tuple:
    return (
        list(Watchlist.objects.values_list("name", "is_public", "share_token")),
        list(WatchlistItem.objects.values_list("token__symbol", "note")),
        list(Lot.objects.values_list("quantity", "cost_basis_usd")),
    )


def call(client, method, path, payload, watchlist):
    return getattr(client, method)(path.format(id=watchlist.pk), payload, format="json")


@pytest.mark.parametrize(("method", "path", "payload", "expected"), ROUTES, ids=ROUTE_IDS)
def test_the_owner_may_use_every_route(client_for, alice, alices, method, path, payload, expected):
    assert call(client_for(alice), method, path, payload, alices).status_code == expected


@pytest.mark.parametrize(("method", "path", "payload", "expected"), ROUTES, ids=ROUTE_IDS)
def test_an_anonymous_visitor_gets_401_on_every_route(
    client_for, alices, method, path, payload, expected
):
    before = snapshot()
    response = call(client_for(None), method, path, payload, alices)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == "Token"
    assert snapshot() == before


@pytest.mark.parametrize("who", ["bob", "charlie", "staff"])
@pytest.mark.parametrize(("method", "path", "payload", "expected"), ROUTES, ids=ROUTE_IDS)
def test_another_user_or_staff_gets_404_on_every_route_and_changes_nothing(
    request, client_for, alices, who, method, path, payload, expected
):
    before = snapshot()
    response = call(client_for(request.getfixturevalue(who)), method, path, payload, alices)
    assert response.status_code == 404
    assert "detail" in response.json()
    assert snapshot() == before


def test_anonymous_visitors_can_neither_list_nor_create_watchlists(client_for, alices):
    assert client_for(None).get("/api/v1/watchlists/").status_code == 401
    response = client_for(None).post("/api/v1/watchlists/", {"name": "x"}, format="json")
    assert response.status_code == 401
    assert Watchlist.objects.count() == 1


@pytest.mark.parametrize("who", ["bob", "staff"])
def test_another_user_or_staff_lists_only_their_own_watchlists(request, client_for, alices, who):
    user = request.getfixturevalue(who)
    services.watchlist_create(owner=user, name="Mine")
    body = client_for(user).get("/api/v1/watchlists/").json()
    assert [w["name"] for w in body["results"]] == ["Mine"]


def test_a_watchlist_created_by_another_user_is_theirs(client_for, alices, bob):
    response = client_for(bob).post("/api/v1/watchlists/", {"name": "AI bags"}, format="json")
    assert response.status_code == 201
    assert Watchlist.objects.get(pk=response.json()["id"]).owner == bob


def test_an_api_token_in_the_authorization_header_signs_the_owner_in(alice, alices):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.objects.create(user=alice).key}")
    assert client.get(f"/api/v1/watchlists/{alices.pk}/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = client.get(f"/api/v1/watchlists/{alices.pk}/")
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid token."})


def test_a_session_reads_freely_but_writes_only_with_a_csrf_token(alice, alices):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(f"/api/v1/watchlists/{alices.pk}/items/").status_code == 200
    response = client.patch(f"/api/v1/watchlists/{alices.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Watchlist.objects.get().name == "AI bags"
