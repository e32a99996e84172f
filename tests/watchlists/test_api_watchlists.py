"""/api/v1/watchlists/ and /api/v1/watchlists/<id>/ for their owner."""

import pytest
from django.urls import reverse

from tests.watchlists.conftest import TAO_QUOTES, at, lot, prices
from watchlists import services
from watchlists.models import Watchlist

LIST_URL = reverse("watchlists-api:watchlist-list")


def detail_url(watchlist) -> str:
    return reverse("watchlists-api:watchlist-detail", kwargs={"id": watchlist.pk})


@pytest.fixture
def api(client_for, alice):
    return client_for(alice)


def test_the_list_has_only_your_watchlists_in_your_order(api, alice, bob):
    services.watchlist_create(owner=alice, name="Bags")
    dreams = services.watchlist_create(owner=alice, name="Dreams")
    services.watchlist_create(owner=bob, name="Bob's")
    services.watchlist_move(watchlist=dreams, position=0)
    response = api.get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [w["name"] for w in body["results"]] == ["Dreams", "Bags"]
    first = body["results"][0]
    assert set(first) == {
        "id", "url", "items_url", "name", "position", "is_public", "share_token",
        "show_amounts", "items_count", "created_at", "updated_at",
    }  # fmt: skip
    assert first["url"] == f"http://testserver/api/v1/watchlists/{dreams.pk}/"
    assert first["items_url"] == f"http://testserver/api/v1/watchlists/{dreams.pk}/items/"
    assert (first["items_count"], first["share_token"], first["is_public"]) == (0, None, False)


@pytest.mark.parametrize(
    ("ordering", "names"),
    [
        ("position", ["Dreams", "bags", "Crash"]),
        ("name", ["bags", "Crash", "Dreams"]),
        ("-name", ["Dreams", "Crash", "bags"]),
        ("created", ["bags", "Crash", "Dreams"]),
        ("-created", ["Dreams", "Crash", "bags"]),
    ],
)
def test_the_list_sorts_by_your_order_name_or_creation(api, alice, ordering, names):
    services.watchlist_create(owner=alice, name="bags")
    services.watchlist_create(owner=alice, name="Crash")
    dreams = services.watchlist_create(owner=alice, name="Dreams")
    services.watchlist_move(watchlist=dreams, position=0)

    response = api.get(LIST_URL, {"ordering": ordering})

    assert [w["name"] for w in response.json()["results"]] == names


@pytest.mark.parametrize("bad", ["items_count", "", "-position"])
def test_an_unknown_ordering_is_a_400_naming_it(api, alice_list, bad):
    response = api.get(LIST_URL, {"ordering": bad})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ordering"]


def test_the_schema_documents_the_orderings_of_the_list(openapi):
    params = openapi["paths"]["/api/v1/watchlists/"]["get"]["parameters"]
    (ordering,) = [p for p in params if p["name"] == "ordering"]
    enum = sorted(ordering["schema"]["enum"])
    assert enum == ["-created", "-name", "created", "name", "position"]
    assert ordering["schema"]["default"] == "position" and ordering["description"]


def test_creating_a_watchlist_answers_201_with_it_and_empty_totals(api, alice):
    response = api.post(LIST_URL, {"name": "  AI bags "}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "AI bags"
    assert body["totals"] == {
        "items_count": 0, "positions_count": 0, "unpriced_count": 0, "value_usd": None,
        "cost_usd": None, "pnl_usd": None, "pnl_pct": None, "peak_value_usd": None,
        "drawdown_from_peak": None, "performance_drawdown": None,
    }  # fmt: skip
    assert body["value_series"] is None
    assert Watchlist.objects.get().owner == alice


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({}, "name", "This field is required."),
        ({"name": ""}, "name", "Enter a name."),
        ({"name": "x" * 81}, "name", "At most 80 characters (it has 81)."),
        ({"name": "taken"}, "name", "You already have a watchlist named 'taken'."),
        ({"name": ["a", "list"]}, "name", "Not a valid string."),
        ({"name": "AI\x1bbags"}, "name", "Control characters are not allowed (U+001B)."),
    ],
)
def test_a_bad_name_is_a_400_naming_the_field(api, alice, payload, field, message):
    services.watchlist_create(owner=alice, name="Taken")
    response = api.post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": f"{field}: {message}", "errors": {field: [message]}}
    assert Watchlist.objects.count() == 1


def test_a_name_written_with_a_combining_accent_is_the_same_name(api, alice):
    services.watchlist_create(owner=alice, name="Caf\u00e9 bags")  # \u00e9: one character

    response = api.post(LIST_URL, {"name": "Cafe\u0301 bags"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]
    created = api.post(LIST_URL, {"name": "Cafe\u0301 bets"}, format="json").json()
    assert created["name"] == "Caf\u00e9 bets"  # stored composed


def test_the_fifty_first_watchlist_is_a_400(api, alice):
    Watchlist.objects.bulk_create(
        [Watchlist(owner=alice, name=f"L{n}", position=n) for n in range(50)]
    )
    response = api.post(LIST_URL, {"name": "More"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["You already have 50 watchlists, the most allowed."]
    }


def test_a_form_encoded_body_is_refused_because_lots_are_nested(api):
    assert api.post(LIST_URL, {"name": "x"}).status_code == 415


def test_a_watchlist_shows_its_totals_as_decimal_strings_and_its_series_on_request(
    frozen, api, alice_list, tao
):
    prices(tao, [(at(moment), price) for moment, price in TAO_QUOTES])
    services.watchlist_add_token(
        watchlist=alice_list, symbol="TAO",
        lots=[lot("2", "95", "2026-02-04"), lot("1", "130", "2026-02-05")],
    )  # fmt: skip
    body = api.get(detail_url(alice_list)).json()
    assert body["items_count"] == 1
    totals = body["totals"]
    assert (totals["value_usd"], totals["cost_usd"], totals["pnl_usd"]) == (
        "297.00", "320.00", "-23.00",
    )  # fmt: skip
    assert totals["peak_value_usd"] == "450.00"
    assert totals["pnl_pct"] == pytest.approx(-0.071875)
    assert totals["drawdown_from_peak"] == pytest.approx(-0.34)
    assert body["value_series"] is None
    series = api.get(detail_url(alice_list), {"series": "true"}).json()["value_series"]
    assert len(series) == 61
    assert series[-1] == [at("2026-02-06T12:00"), 297.0, pytest.approx(-0.34)]


def test_a_bad_series_flag_is_a_400(api, alice_list):
    response = api.get(detail_url(alice_list), {"series": "maybe"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["series"]


def test_patch_renames_moves_and_shares_in_one_go(api, alice, alice_list):
    services.watchlist_create(owner=alice, name="Other")
    response = api.patch(
        detail_url(alice_list),
        {"name": "Renamed", "position": 5, "is_public": True, "show_amounts": True},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["position"], body["is_public"], body["show_amounts"]) == (
        "Renamed", 1, True, True,
    )  # fmt: skip
    assert len(body["share_token"]) == 32
    alice_list.refresh_from_db()
    assert alice_list.share_token == body["share_token"]


def test_making_a_watchlist_private_clears_its_share_token_and_public_again_issues_another(
    api, alice_list
):
    first = api.patch(detail_url(alice_list), {"is_public": True}, format="json").json()
    private = api.patch(detail_url(alice_list), {"is_public": False}, format="json").json()
    assert (private["is_public"], private["share_token"]) == (False, None)
    again = api.patch(detail_url(alice_list), {"is_public": True}, format="json").json()
    assert again["share_token"] not in (None, first["share_token"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"name": " "}, "name"), ({"position": -1}, "position"), ({"is_public": "perhaps"},
     "is_public"), ({"name": "Taken", "is_public": True}, "name")],
)  # fmt: skip
def test_a_bad_patch_is_a_400_naming_the_field_and_changes_nothing(
    api, alice, alice_list, payload, field
):
    services.watchlist_create(owner=alice, name="taken")
    response = api.patch(detail_url(alice_list), payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    alice_list.refresh_from_db()
    assert (alice_list.name, alice_list.is_public, alice_list.position) == ("AI bags", False, 0)


def test_deleting_a_watchlist_answers_204_and_then_404(api, alice_list):
    assert api.delete(detail_url(alice_list)).status_code == 204
    assert not Watchlist.objects.exists()
    response = api.get(detail_url(alice_list))
    assert response.status_code == 404
    assert response.json() == {"detail": f"No watchlist {alice_list.pk}."}


def test_an_id_too_large_for_the_database_is_a_404(api):
    assert api.get(f"{LIST_URL}{10**30}/").status_code == 404


def test_after_a_delete_the_positions_read_are_the_places_a_patch_moves_to(alice, client_for):
    _, second, _, fourth = (
        services.watchlist_create(owner=alice, name=name) for name in ("A", "B", "C", "D")
    )
    api = client_for(alice)
    assert api.delete(f"/api/v1/watchlists/{second.pk}/").status_code == 204

    listed = api.get("/api/v1/watchlists/").json()["results"]
    assert [(w["name"], w["position"]) for w in listed] == [("A", 0), ("C", 1), ("D", 2)]
    # Put D where C reads it is: D takes C's place.
    api.patch(f"/api/v1/watchlists/{fourth.pk}/", {"position": listed[1]["position"]}, "json")
    listed = api.get("/api/v1/watchlists/").json()["results"]
    assert [(w["name"], w["position"]) for w in listed] == [("A", 0), ("D", 1), ("C", 2)]


def test_the_pnl_of_a_huge_position_is_exact_to_the_cent_not_a_float_away(
    frozen, api, alice_list, tao, btc
):
    """Lots allow a cost up to 1e21 $, where a float P&L is off by thousands of dollars: the
    API computes value less cost exactly (from the float value) and rounds it once."""
    prices(tao, [(at(moment), price) for moment, price in TAO_QUOTES])
    prices(btc, [(at("2026-02-06T12:00"), 1850.3712345678)])
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot("3", "100.0333")])
    services.watchlist_add_token(watchlist=alice_list, symbol="BTC", lots=[lot("1e12", "1e9")])
    totals = api.get(detail_url(alice_list)).json()["totals"]
    # BTC: 1e12 x 1850.3712345678 = 1850371234567800 (the float, exactly) - 1e21;
    # TAO: 3 x 99 - 300.0999 = -3.0999
    assert totals["pnl_usd"] == "-999998149628765432203.10"
    assert totals["value_usd"] == "1850371234568097.00"
    btc_item = api.get(reverse("watchlists-api:item-detail", kwargs={
        "id": alice_list.pk, "symbol": "BTC"})).json()  # fmt: skip
    assert btc_item["valuation"]["pnl_usd"] == "-999998149628765432200.00"
