"""allauth's default rate limits stop password guessing on the sign-in form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.conftest import EMAIL, PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
TOO_MANY = "Too many failed login attempts. Try again later."


def test_after_five_failed_sign_ins_even_the_right_password_is_refused(client, alice):
    for _ in range(5):
        response = client.post(LOGIN, {"login": EMAIL, "password": "guess"})
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()

    response = client.post(LOGIN, {"login": EMAIL, "password": PASSWORD})

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_guessing_many_addresses_from_one_address_ends_in_a_429(client, alice):
    statuses = [
        client.post(LOGIN, {"login": f"user{n}@example.com", "password": "guess"}).status_code
        for n in range(40)
    ]

    assert statuses[0] == 200
    assert 429 in statuses
    assert client.post(LOGIN, {"login": EMAIL, "password": PASSWORD}).status_code == 429


def test_the_rate_limit_message_reads_in_french(client, alice):
    french = {"Accept-Language": "fr"}
    for _ in range(5):
        client.post(LOGIN, {"login": EMAIL, "password": "guess"}, headers=french)

    response = client.post(LOGIN, {"login": EMAIL, "password": PASSWORD}, headers=french)

    assert "Trop de tentatives de connexion" in response.content.decode()
