"""Password guessing through the API token endpoint and account deletion is limited."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import EMAIL, PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
TOKEN = reverse("core-api:auth-token")
DELETE = reverse("accounts:delete")
TOO_MANY_PAGE = "Too many failed login attempts. Try again later."


def _token(api_client, login, password):
    return api_client.post(TOKEN, {"username": login, "password": password}, format="json")


def test_failed_token_requests_lock_the_sign_in_page_too(api_client, client, alice):
    for _ in range(5):
        assert _token(api_client, EMAIL, "guess").status_code == 400

    response = client.post(LOGIN, {"login": EMAIL, "password": PASSWORD})

    assert TOO_MANY_PAGE in response.content.decode()


def test_failed_sign_ins_lock_the_token_endpoint_too(api_client, client, alice):
    for _ in range(5):
        client.post(LOGIN, {"login": EMAIL, "password": "guess"})

    response = _token(api_client, EMAIL, PASSWORD)  # the same account, the right password

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed sign-in attempts.")
    assert "Retry-After" in response


def test_a_successful_token_request_does_not_count_as_a_failure(api_client, alice):
    for _ in range(8):
        assert _token(api_client, EMAIL, PASSWORD).status_code == 200


def test_the_token_endpoint_has_its_own_rate_limit(api_client, alice, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.THROTTLE_RATES = {**rates, "auth_token": "2/min"}
    try:  # frozen mid-minute: a slow machine must not carry the third call into a new window
        with time_machine.travel("2026-02-06T12:00:30Z", tick=False):
            statuses = [_token(api_client, EMAIL, PASSWORD).status_code for _ in range(3)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = rates

    assert statuses == [200, 200, 429]


def test_account_deletion_password_guesses_are_rate_limited(client, alice):
    client.force_login(alice)
    for _ in range(5):
        response = client.post(DELETE, {"password": "guess"})
        assert "Too many attempts" not in response.content.decode()

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 200
    assert "Too many attempts. Try again later." in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()
