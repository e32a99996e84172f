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
