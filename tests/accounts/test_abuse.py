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


REAUTHENTICATE = reverse("account_reauthenticate")
CHANGE_PASSWORD = reverse("account_change_password")


def _sign_in_refused(api_client) -> bool:
    """Whether the account is locked: the right password gets a 429 from the token endpoint
    (its own client: the sign-in page would end the session under test)."""
    return _token(api_client, EMAIL, PASSWORD).status_code == 429


def test_wrong_passwords_given_again_in_a_session_lock_the_account_like_failed_sign_ins(
    api_client, client, alice
):
    """Someone holding a session could guess the password on the 'confirm your password'
    page (10 a minute) without ever meeting the sign-in lockout."""
    client.force_login(alice)
    for _ in range(5):
        client.post(REAUTHENTICATE, {"password": "guess"})

    right = client.post(REAUTHENTICATE, {"password": PASSWORD})

    assert right.status_code == 200 and TOO_MANY_PAGE in right.content.decode()
    assert _sign_in_refused(api_client)


def test_wrong_current_passwords_on_the_password_page_lock_the_account(api_client, client, alice):
    client.force_login(alice)
    new = {"password1": "quartz-heron-lantern-91", "password2": "quartz-heron-lantern-91"}
    for _ in range(5):
        client.post(CHANGE_PASSWORD, {"oldpassword": "guess", **new})

    assert _sign_in_refused(api_client)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_wrong_passwords_on_the_deletion_page_lock_the_account(api_client, client, alice):
    client.force_login(alice)
    for _ in range(5):
        client.post(DELETE, {"password": "guess"})

    assert _sign_in_refused(api_client)
    assert User.objects.filter(pk=alice.pk).exists()
