"""Writes refuse unknown body fields with a 400 naming them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from watchlists.models import Watchlist

pytestmark = pytest.mark.django_db


def test_an_unknown_field_in_a_create_is_a_400_naming_it(api_client, alice):
    api_client.force_authenticate(alice)

    response = api_client.post(
        "/api/v1/watchlists/", {"name": "Mine", "is_publik": True}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"is_publik": ["Unknown field."]}
    assert not Watchlist.objects.filter(owner=alice).exists()


def test_an_unknown_field_in_a_nested_lot_is_named_with_its_path(api_client, alice, tao):
    api_client.force_authenticate(alice)
    watchlist = Watchlist.objects.create(owner=alice, name="Mine")

    response = api_client.post(
        f"/api/v1/watchlists/{watchlist.pk}/items/",
        {"symbol": "TAO", "lots": [{"quantity": "1", "cost_basis_usd": "2", "price": 3}]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lots[0].price"]


def test_an_unknown_field_in_the_token_request_is_a_400(api_client, alice):
    response = api_client.post(
        reverse("core-api:auth-token"),
        {"username": "alice", "password": "password", "otp": "1"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["otp"]


def test_a_number_for_a_text_field_is_a_400_naming_it_and_nothing_is_stored(api_client, alice):
    api_client.force_authenticate(alice)

    response = api_client.post("/api/v1/watchlists/", {"name": 123}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["Not a valid string."]}
    assert not Watchlist.objects.filter(owner=alice).exists()


def test_a_number_and_an_unknown_field_are_named_together(api_client, alice):
    api_client.force_authenticate(alice)

    response = api_client.post(
        "/api/v1/watchlists/", {"name": True, "colour": "red"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "colour"}


def test_a_number_for_a_nested_lot_field_that_takes_decimals_is_still_accepted(
    api_client, alice, tao
):
    """Decimals take a JSON number or a decimal string; only text fields refuse numbers."""
    api_client.force_authenticate(alice)
    watchlist = Watchlist.objects.create(owner=alice, name="Mine")

    response = api_client.post(
        f"/api/v1/watchlists/{watchlist.pk}/items/",
        {"symbol": "TAO", "lots": [{"quantity": 1.5, "cost_basis_usd": "2"}]},
        format="json",
    )

    assert response.status_code == 201, response.json()


def test_a_number_for_the_item_symbol_is_a_400_naming_it(api_client, alice, tao):
    api_client.force_authenticate(alice)
    watchlist = Watchlist.objects.create(owner=alice, name="Mine")

    response = api_client.post(
        f"/api/v1/watchlists/{watchlist.pk}/items/", {"symbol": 7}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["symbol"]
    assert not watchlist.items.exists()


def test_a_number_for_an_alert_choice_or_symbol_is_a_400_naming_both(api_client, alice, tao):
    api_client.force_authenticate(alice)

    response = api_client.post(
        "/api/v1/alerts/", {"condition": 1, "value": 100, "symbol": 5}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"condition", "symbol"}


def test_a_list_for_a_comment_body_is_a_400_naming_it(api_client, alice, tao):
    api_client.force_authenticate(alice)

    response = api_client.post(
        "/api/v1/tokens/TAO/comments/", {"body": ["hi"], "extra": 1}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"body", "extra"}


def test_a_number_for_the_token_username_is_a_400(api_client, alice):
    response = api_client.post(
        reverse("core-api:auth-token"), {"username": 1, "password": "password"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["username"]


def test_a_form_body_still_works_for_text_fields(api_client, alice, tao):
    """Form values are always strings: the check only concerns JSON bodies."""
    api_client.force_authenticate(alice)

    response = api_client.post(
        "/api/v1/tokens/TAO/comments/",
        "body=123",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["body"] == "123"


def test_a_field_sent_to_a_write_that_takes_no_body_is_a_400_naming_it(api_client, alice):
    api_client.force_authenticate(alice)

    response = api_client.post(
        "/api/v1/notifications/read-all/", {"older_than": "2026-01-01"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"older_than": ["Unknown field."]}


def test_a_write_that_takes_no_body_accepts_none_or_an_empty_object(api_client, alice):
    api_client.force_authenticate(alice)

    assert api_client.post("/api/v1/notifications/read-all/").status_code == 200
    assert api_client.post("/api/v1/notifications/read-all/", {}, format="json").status_code == 200


@pytest.mark.parametrize("value", ["yes", "on", "1", "true", 1, 0, "y", None, []])
def test_a_json_boolean_field_refuses_anything_but_true_or_false_naming_it(
    api_client, alice, value
):
    api_client.force_authenticate(alice)
    watchlist = Watchlist.objects.create(owner=alice, name="Mine")

    response = api_client.patch(
        f"/api/v1/watchlists/{watchlist.pk}/", {"is_public": value}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"is_public": ["Must be a valid boolean."]}
    watchlist.refresh_from_db()
    assert not watchlist.is_public


def test_a_json_boolean_for_an_alert_is_strict_too(api_client, alice, tao):
    api_client.force_authenticate(alice)

    response = api_client.post(
        "/api/v1/alerts/",
        {"condition": "less_than", "value": 100, "symbol": "TAO", "is_active": "no"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["is_active"]


def test_a_json_true_or_false_is_still_a_boolean(api_client, alice):
    api_client.force_authenticate(alice)
    watchlist = Watchlist.objects.create(owner=alice, name="Mine")

    response = api_client.patch(
        f"/api/v1/watchlists/{watchlist.pk}/",
        {"is_public": True, "show_amounts": False},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["is_public"] is True


@pytest.mark.parametrize("body", ["[]", '["Mine"]', '"Mine"', "7", "true", "null"])
def test_a_json_body_that_is_not_an_object_is_a_400_naming_body(api_client, alice, body):
    """As a body that is not JSON: it was named ``non_field_errors`` ("Invalid data. Expected a
    dictionary, but got list.")."""
    api_client.force_authenticate(alice)

    response = api_client.post("/api/v1/watchlists/", body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]
    assert not Watchlist.objects.filter(owner=alice).exists()


def test_a_token_request_that_is_not_an_object_is_a_400_naming_body(api_client, alice):
    response = api_client.post(
        reverse("core-api:auth-token"), "[]", content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]


def test_a_lot_that_is_not_an_object_is_still_named_by_its_path(api_client, alice, tao):
    api_client.force_authenticate(alice)
    watchlist = Watchlist.objects.create(owner=alice, name="Mine")

    response = api_client.post(
        f"/api/v1/watchlists/{watchlist.pk}/items/", {"symbol": "TAO", "lots": [1]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lots[0]"]
