"""/api/v1/watchlists/<id>/items/ and …/items/<SYMBOL>/ for the list's owner."""

import contextlib
from urllib.parse import quote

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import serializers

from tests.factories import TokenFactory
from tests.watchlists.conftest import TAO_QUOTES, at, lot, prices
from watchlists import services
from watchlists.api.serializers import LotSerializer
from watchlists.models import Lot, WatchlistItem


def items_url(watchlist) -> str:
    return reverse("watchlists-api:item-list", kwargs={"id": watchlist.pk})


def item_url(watchlist, symbol: str) -> str:
    return reverse("watchlists-api:item-detail", kwargs={"id": watchlist.pk, "symbol": symbol})


@pytest.fixture
def api(client_for, alice):
    return client_for(alice)


@pytest.fixture
def held(frozen, alice_list, tao, btc):
    prices(tao, [(at(moment), price) for moment, price in TAO_QUOTES])
    prices(btc, [(at("2026-02-06T12:00"), 64_000.0)])
    services.watchlist_add_token(
        watchlist=alice_list, symbol="TAO", note="Long term",
        lots=[lot("2", "95", "2026-02-04"), lot("1", "130", "2026-02-05")],
    )  # fmt: skip
    services.watchlist_add_token(watchlist=alice_list, symbol="BTC")
    return alice_list


def test_items_come_in_order_with_metrics_lots_and_valuation(api, held):
    response = api.get(items_url(held))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"]) == (2, None)
    tao, btc = body["results"]
    assert set(tao) == {"symbol", "name", "url", "position", "note", "added_at", "metrics",
                        "lots", "valuation"}  # fmt: skip
    assert (tao["symbol"], tao["note"], tao["position"]) == ("TAO", "Long term", 0)
    assert tao["url"] == f"http://testserver/api/v1/watchlists/{held.pk}/items/TAO/"
    assert tao["metrics"]["price_usd"] == 99.0
    assert [(x["quantity"], x["cost_basis_usd"], x["purchased_at"]) for x in tao["lots"]] == [
        ("2", "95", "2026-02-04"), ("1", "130", "2026-02-05"),
    ]  # fmt: skip
    assert tao["valuation"] == {
        "quantity": "3", "cost_usd": "320.00", "price_usd": 99.0, "value_usd": "297.00",
        "pnl_usd": "-23.00", "pnl_pct": pytest.approx(-0.071875), "peak_value_usd": "450.00",
        "drawdown_from_peak": pytest.approx(-0.34), "weight": 1.0,
        "performance_drawdown": pytest.approx(99 / 150 - 1),  # price now vs its high since held
    }  # fmt: skip
    assert btc["lots"] == [] and btc["valuation"]["value_usd"] is None
    assert btc["valuation"]["price_usd"] == 64_000.0


def test_items_are_paginated(api, held):
    body = api.get(items_url(held), {"page_size": 1, "page": 2}).json()
    assert [item["symbol"] for item in body["results"]] == ["BTC"]
    assert api.get(items_url(held), {"page": 3, "page_size": 1}).status_code == 404
    assert api.get(items_url(held), {"page_size": 0}).json()["errors"] == {
        "page_size": ["A positive integer is required."]
    }


def test_adding_a_token_by_symbol_in_any_case_with_lots_answers_201(frozen, api, alice_list, tao):
    payload = {
        "symbol": "tao",
        "note": "Dip buy",
        "lots": [{"quantity": "1.5", "cost_basis_usd": 150, "purchased_at": "2026-02-01"},
                 {"quantity": 0.5, "cost_basis_usd": "140.125"}],
    }  # fmt: skip
    response = api.post(items_url(alice_list), payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["symbol"], body["note"]) == ("TAO", "Dip buy")
    assert [(x["quantity"], x["cost_basis_usd"]) for x in body["lots"]] == [
        ("1.5", "150"), ("0.5", "140.125"),
    ]  # fmt: skip
    assert body["valuation"]["cost_usd"] == "295.06"  # 225 + 70.0625, to the cent
    assert body["valuation"]["price_usd"] is None  # TAO has no price yet


def test_money_is_rounded_half_up_to_the_cent_as_people_round_it(api, alice_list, tao):
    """DRF rounds half to even: a cost of 0.125 $ came out "0.12"."""
    payload = {"symbol": "TAO", "lots": [{"quantity": "1", "cost_basis_usd": "0.125"}]}
    body = api.post(items_url(alice_list), payload, format="json").json()
    assert body["valuation"]["cost_usd"] == "0.13"


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"symbol": "XYZ"}, {"symbol": ["Unknown token symbol 'XYZ'."]}),
        ({"symbol": ""}, {"symbol": ["Enter a token symbol."]}),
        ({}, {"symbol": ["This field is required."]}),
        ({"symbol": "BTC"}, {"symbol": ["BTC is already in this watchlist."]}),
        ({"symbol": "TAO", "note": "n" * 501}, {"note": ["At most 500 characters (it has 501)."]}),
        ({"symbol": "TAO", "note": "ring\x07"},
         {"note": ["Control characters are not allowed (U+0007)."]}),
        ({"symbol": "OLD"}, {"symbol": ["Unknown token symbol 'OLD'."]}),
        ({"symbol": "TAO", "lots": [{"quantity": "1", "cost_basis_usd": "1"},
                                    {"quantity": "0", "cost_basis_usd": "1"}]},
         {"lots[1].quantity": ["The quantity must be greater than 0."]}),
        ({"symbol": "TAO", "lots": [{"quantity": "1e13", "cost_basis_usd": "-1"}]},
         {"lots[0].quantity": ["The quantity must be at most 1,000,000,000,000."],
          "lots[0].cost_basis_usd": ["The cost per unit must be greater than 0."]}),
        ({"symbol": "TAO", "lots": [{"quantity": "many", "cost_basis_usd": "1"}]},
         {"lots[0].quantity": ["A valid number is required."]}),
        ({"symbol": "TAO", "lots": [{"cost_basis_usd": "1"}]},
         {"lots[0].quantity": ["This field is required."]}),
        ({"symbol": "TAO", "lots": [{"quantity": "1", "cost_basis_usd": "1e10"}]},
         {"lots[0].cost_basis_usd": ["The cost per unit must be at most 1,000,000,000."]}),
        ({"symbol": "TAO", "lots": "all of them"},
         {"lots": ['Expected a list of items but got type "str".']}),
    ],
)  # fmt: skip
def test_a_bad_item_is_a_400_naming_the_field_and_adds_nothing(
    api, alice_list, tao, btc, payload, errors
):
    TokenFactory(symbol="OLD", is_active=False)
    services.watchlist_add_token(watchlist=alice_list, symbol="BTC")
    response = api.post(items_url(alice_list), payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert list(WatchlistItem.objects.values_list("token__symbol", flat=True)) == ["BTC"]
    assert not Lot.objects.exists()


def test_one_item_is_read_by_symbol_in_any_case(api, held):
    response = api.get(item_url(held, "tao"))
    assert response.status_code == 200
    valuation = response.json()["valuation"]
    assert valuation["drawdown_from_peak"] == pytest.approx(-0.34)
    assert valuation["weight"] is None  # a share of the list: only in the list of items
    assert api.get(item_url(held, "NEAR")).json() == {"detail": "NEAR is not in this watchlist."}
    assert api.get(item_url(held, "NEAR")).status_code == 404


def test_patch_changes_the_note_and_place_of_an_item(api, held):
    response = api.patch(item_url(held, "BTC"), {"note": " hedge ", "position": 0}, format="json")
    assert response.status_code == 200
    assert (response.json()["note"], response.json()["position"]) == ("hedge", 0)
    symbols = [i["symbol"] for i in api.get(items_url(held)).json()["results"]]
    assert symbols == ["BTC", "TAO"]


def test_patch_replaces_the_lots_or_adds_to_them(api, held):
    replaced = api.patch(
        item_url(held, "TAO"), {"lots": [{"quantity": "4", "cost_basis_usd": "100"}]},
        format="json",
    ).json()  # fmt: skip
    assert [x["quantity"] for x in replaced["lots"]] == ["4"]
    added = api.patch(
        item_url(held, "TAO"),
        {"add_lots": [{"quantity": "1", "cost_basis_usd": "90", "purchased_at": None}]},
        format="json",
    ).json()
    assert [x["quantity"] for x in added["lots"]] == ["4", "1"]
    assert added["valuation"]["cost_usd"] == "490.00"
    emptied = api.patch(item_url(held, "TAO"), {"lots": []}, format="json").json()
    assert emptied["lots"] == [] and emptied["valuation"]["quantity"] is None


def test_a_bad_patch_of_an_item_is_a_400_and_changes_nothing(api, held):
    for payload, field in (
        ({"note": "x", "lots": [{"quantity": "-1", "cost_basis_usd": "1"}]}, "lots[0].quantity"),
        ({"add_lots": [{"quantity": "1", "cost_basis_usd": "1", "purchased_at": "2030-01-01"}]},
         "add_lots[0].purchased_at"),
        ({"lots": [], "add_lots": []}, "non_field_errors"),
        ({"position": "first"}, "position"),
    ):  # fmt: skip
        response = api.patch(item_url(held, "TAO"), payload, format="json")
        assert response.status_code == 400, payload
        assert list(response.json()["errors"]) == [field]
    item = WatchlistItem.objects.get(token__symbol="TAO")
    assert (item.note, item.lots.count()) == ("Long term", 2)


def test_deleting_an_item_answers_204_and_removes_its_lots(api, held):
    assert api.delete(item_url(held, "tao")).status_code == 204
    assert api.get(item_url(held, "TAO")).status_code == 404
    assert not Lot.objects.exists()


def test_an_item_removed_by_a_concurrent_request_is_a_404_not_a_400(api, held, monkeypatch):
    """Two DELETEs at once: both find the item; the one that removes it second answers 404
    like a DELETE that came after, not a 400 naming a symbol it never sent in a body."""
    remove = services.watchlist_remove_token

    def after_the_other_request(*, watchlist, symbol):
        remove(watchlist=watchlist, symbol=symbol)  # the concurrent request got there first
        remove(watchlist=watchlist, symbol=symbol)

    monkeypatch.setattr(services, "watchlist_remove_token", after_the_other_request)

    response = api.delete(item_url(held, "TAO"))

    assert response.status_code == 404
    assert response.json() == {"detail": "TAO is not in this watchlist."}


def test_a_symbol_no_database_could_take_is_a_404(api, alice_list):
    assert api.get(item_url(alice_list, "X" * 200)).status_code == 404
    assert api.get(items_url(alice_list) + "TA%00O/").status_code == 404


def held_list(owner, name: str, count: int):
    watchlist = services.watchlist_create(owner=owner, name=name)
    for n in range(count):
        token = TokenFactory(symbol=f"{name[0].upper()}{n}")
        prices(token, [(at("2026-02-06T10:00"), 1.0 + n), (at("2026-02-06T12:00"), 2.0 + n)])
        services.watchlist_add_token(
            watchlist=watchlist, symbol=token.symbol, lots=[lot("1", "1", "2026-02-06")]
        )
    return watchlist


def test_the_items_page_takes_the_same_queries_for_5_or_50_items(frozen, api, alice):
    counts = []
    for name, size in (("small", 5), ("large", 50)):
        watchlist = held_list(alice, name, size)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(items_url(watchlist), {"page_size": 100})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] == 4  # the watchlist, items+tokens+metrics, lots, closes


@pytest.mark.parametrize("symbol", ["A/B", "A B", "USD₮0"])
def test_a_symbol_no_url_can_route_is_a_400_and_adds_nothing(api, alice_list, symbol):
    with contextlib.suppress(IntegrityError), transaction.atomic():
        TokenFactory(symbol=symbol)  # the database refuses it: no such token can exist
    response = api.post(items_url(alice_list), {"symbol": symbol}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"symbol": [f"Unknown token symbol {symbol!r}."]}
    assert not WatchlistItem.objects.exists()
    assert api.get(items_url(alice_list)).status_code == 200


def test_after_a_token_is_removed_the_positions_read_are_the_places_a_patch_moves_to(
    alice_list, tao, btc, near, client_for
):
    for symbol in ("TAO", "BTC", "NEAR"):
        services.watchlist_add_token(watchlist=alice_list, symbol=symbol)
    api = client_for(alice_list.owner)
    assert api.delete(item_url(alice_list, "TAO")).status_code == 204

    listed = api.get(f"/api/v1/watchlists/{alice_list.pk}/items/").json()["results"]
    assert [(i["symbol"], i["position"]) for i in listed] == [("BTC", 0), ("NEAR", 1)]
    api.patch(item_url(alice_list, "NEAR"), {"position": listed[0]["position"]}, format="json")
    listed = api.get(f"/api/v1/watchlists/{alice_list.pk}/items/").json()["results"]
    assert [(i["symbol"], i["position"]) for i in listed] == [("NEAR", 0), ("BTC", 1)]


@pytest.mark.parametrize("typed", ["\u017fol", "\u0131cp"])  # a long s, a dotless i
def test_a_look_alike_of_a_symbol_is_unknown_as_its_token_page_is(api, alice_list, typed):
    TokenFactory(symbol="SOL")
    TokenFactory(symbol="ICP")
    response = api.post(items_url(alice_list), {"symbol": typed}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"symbol": [f"Unknown token symbol {typed!r}."]}
    assert not WatchlistItem.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "french"),
    [
        ({"symbol": "TAO"}, "symbol", "TAO est déjà dans cette liste de suivi."),
        ({"symbol": "ZZZ"}, "symbol", "Symbole de token inconnu «\u202fZZZ\u202f»."),
        (
            {"symbol": "BTC", "lots": [{"quantity": "0", "cost_basis_usd": "1"}]},
            "lots[0].quantity",
            "La quantité doit être supérieure à 0.",
        ),
    ],
)
def test_a_refused_item_is_explained_in_the_clients_language_as_on_the_page(
    api, held, body, field, french
):
    """The services write English; the pages translate their messages (watchlists/forms.py),
    and the API gave them to a French client untranslated."""
    WatchlistItem.objects.filter(token__symbol="BTC").delete()

    response = api.post(items_url(held), body, format="json", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [french]}


def test_a_duplicate_watchlist_name_is_refused_in_french_to_a_french_client(api, alice_list):
    response = api.post(
        reverse("watchlists-api:watchlist-list"),
        {"name": "ai BAGS"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "name": ["Vous avez déjà une liste de suivi nommée «\u202fai BAGS\u202f»."]
    }


@pytest.mark.parametrize("typed", ["1_000", "\u0663", "\uff11\uff12", " 1_5 "])
@pytest.mark.parametrize("field", ["quantity", "cost_basis_usd"])
def test_an_amount_with_an_underscore_or_digits_other_than_ascii_is_a_400_as_on_the_page(
    api, held, field, typed
):
    amounts = {"quantity": "1", "cost_basis_usd": "1"} | {field: typed}

    response = api.patch(item_url(held, "TAO"), {"add_lots": [amounts]}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [f"add_lots[0].{field}"]
    assert WatchlistItem.objects.get(token__symbol="TAO").lots.count() == 2


def test_an_amount_sent_as_a_json_number_keeps_every_digit_it_was_written_with(api, held):
    lot = '{"quantity": 123456789.123456789, "cost_basis_usd": 1234567.123456789012}'
    body = f'{{"add_lots": [{lot}]}}'

    response = api.patch(item_url(held, "TAO"), body, content_type="application/json")

    assert response.status_code == 200
    added = response.json()["lots"][-1]
    assert (added["quantity"], added["cost_basis_usd"]) == (
        "123456789.123456789", "1234567.123456789012",
    )  # fmt: skip


def test_adding_lots_past_the_limit_is_a_400_naming_add_lots(api, held, monkeypatch):
    monkeypatch.setattr(services, "MAX_LOTS_PER_ITEM", 3)
    lots = [{"quantity": "1", "cost_basis_usd": "1"}] * 2

    response = api.patch(item_url(held, "TAO"), {"add_lots": lots}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"add_lots": ["TAO would have more than 3 lots."]}
    assert WatchlistItem.objects.get(token__symbol="TAO").lots.count() == 2


@pytest.mark.parametrize("symbol", ["tao ", " TAO", "TAO\t"])
def test_a_symbol_with_spaces_is_a_404_as_on_the_token_route(api, held, symbol):
    """The item route trimmed it (GET .../items/tao%20/ answered TAO) while
    /api/v1/tokens/tao%20/ was a 404."""
    url = f"/api/v1/watchlists/{held.pk}/items/{quote(symbol)}/"

    assert api.get(url).status_code == 404
    assert api.patch(url, {"note": "x"}, format="json").status_code == 404
    assert api.delete(url).status_code == 404
    assert api.get(f"/api/v1/tokens/{quote(symbol)}/").status_code == 404
    assert WatchlistItem.objects.get(token__symbol="TAO").note == "Long term"


def test_add_lots_sent_again_with_its_idempotency_key_adds_them_once(api, held):
    """A client retrying a PATCH whose answer it lost (a timeout) added the lots twice."""
    payload = {"add_lots": [lot("1", "90", "2026-02-05"), lot("0.5", "80", None)]}
    headers = {"Idempotency-Key": "4f1c2d9e-retry-me"}

    first = api.patch(item_url(held, "TAO"), payload, format="json", headers=headers)
    again = api.patch(item_url(held, "TAO"), payload, format="json", headers=headers)

    assert (first.status_code, again.status_code) == (200, 200)
    assert [x["quantity"] for x in again.json()["lots"]] == ["2", "1", "1", "0.5"]
    assert again.json() == first.json()
    other = api.patch(
        item_url(held, "TAO"), payload, format="json", headers={"Idempotency-Key": "another"}
    )
    assert len(other.json()["lots"]) == 6  # another key is another purchase


def test_an_idempotency_key_sent_again_with_other_lots_is_a_400_and_adds_nothing(api, held):
    headers = {"Idempotency-Key": "k-1"}
    api.patch(item_url(held, "TAO"), {"add_lots": [lot("1", "90")]}, format="json",
              headers=headers)  # fmt: skip

    response = api.patch(
        item_url(held, "TAO"), {"add_lots": [lot("2", "90")]}, format="json", headers=headers
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert WatchlistItem.objects.get(token__symbol="TAO").lots.count() == 3


def test_an_idempotency_key_sent_again_with_more_lots_is_a_400_not_a_silent_drop(api, held):
    """Its first lot matched the first sending: the request was taken as a replay and the
    second lot was dropped without a word."""
    headers = {"Idempotency-Key": "k-2"}
    api.patch(item_url(held, "TAO"), {"add_lots": [lot("1", "90")]}, format="json",
              headers=headers)  # fmt: skip

    response = api.patch(
        item_url(held, "TAO"), {"add_lots": [lot("1", "90"), lot("3", "70")]}, format="json",
        headers=headers,
    )  # fmt: skip

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert WatchlistItem.objects.get(token__symbol="TAO").lots.count() == 3


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "a b"])
def test_an_idempotency_key_that_is_not_1_to_255_visible_ascii_characters_is_a_400(api, held, key):
    response = api.patch(
        item_url(held, "TAO"), {"add_lots": [lot("1", "90")]}, format="json",
        headers={"Idempotency-Key": key},
    )  # fmt: skip

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert WatchlistItem.objects.get(token__symbol="TAO").lots.count() == 2


def test_a_lot_is_written_as_drf_writes_its_fields_one_by_one(frozen, api, held):
    api.patch(
        item_url(held, "TAO"),
        {"add_lots": [lot("0.000000000000000001", "1000000000"), lot("1e3", "2.50", "2009-01-01")]},
        format="json",
    )
    lots = list(Lot.objects.order_by("id"))
    assert len(lots) == 4
    for saved in lots:
        generic = serializers.Serializer.to_representation(LotSerializer(), saved)
        assert LotSerializer(saved).data == generic
    assert [x["created_at"] for x in api.get(item_url(held, "TAO")).json()["lots"]] == [
        "2026-02-06T12:30:00Z"
    ] * 4


def test_an_idempotency_key_sent_again_with_fewer_lots_is_a_400_not_taken_for_a_replay(api, held):
    """The first lot of a two-lot sending matched a one-lot resending: the request was taken
    for a replay of the first though it asked for other lots (one, not two)."""
    headers = {"Idempotency-Key": "k-3"}
    api.patch(item_url(held, "TAO"), {"add_lots": [lot("1", "90"), lot("3", "70")]},
              format="json", headers=headers)  # fmt: skip

    response = api.patch(
        item_url(held, "TAO"), {"add_lots": [lot("1", "90")]}, format="json", headers=headers
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert WatchlistItem.objects.get(token__symbol="TAO").lots.count() == 4


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ({"note": "Bought the dip"}, {"note": "Sold the top"}),
        ({"note": "Bought the dip"}, {}),  # the note left out the second time
        ({"position": 0}, {"position": 1}),
    ],
)
def test_an_idempotency_key_sent_again_with_another_note_or_position_is_a_400(
    api, held, first, again
):
    """Only the lots were compared: the other note was dropped without a word."""
    headers = {"Idempotency-Key": "k-note"}
    lots = {"add_lots": [lot("1", "90")]}
    assert api.patch(item_url(held, "TAO"), {**lots, **first}, format="json",
                     headers=headers).status_code == 200  # fmt: skip
    item = WatchlistItem.objects.get(token__symbol="TAO")
    before = (item.note, item.position, item.lots.count())

    response = api.patch(item_url(held, "TAO"), {**lots, **again}, format="json", headers=headers)

    assert response.status_code == 400
    assert response.json()["errors"]["Idempotency-Key"] == [
        "This idempotency key was already sent with another note or position."
    ]
    item.refresh_from_db()
    assert (item.note, item.position, item.lots.count()) == before


def test_an_idempotency_key_sent_again_with_the_same_note_is_a_replay(api, held):
    headers = {"Idempotency-Key": "k-same"}
    payload = {"add_lots": [lot("1", "90")], "note": "Bought the dip", "position": 0}
    first = api.patch(item_url(held, "TAO"), payload, format="json", headers=headers)
    again = api.patch(item_url(held, "TAO"), payload, format="json", headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
