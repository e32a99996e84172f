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


# --- The admin's sign-in form shares the lockout ------------------------------------------------

ADMIN_LOGIN = reverse("admin:login")


@pytest.fixture
def boss(db):
    from allauth.account.models import EmailAddress

    from accounts.models import User

    user = User.objects.create_user(
        username="boss", email="boss@example.com", password=PASSWORD, is_staff=True
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def admin_sign_in(client, password: str):
    return client.post(ADMIN_LOGIN, {"username": "boss", "password": password, "next": "/admin/"})


def test_it_rejects_even_the_right_admin_password_after_five_failed_admin_sign_ins(client, boss):
    """The admin's own form must not be a way round the lockout to guess staff passwords."""
    for _ in range(5):
        response = admin_sign_in(client, "guess")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()

    response = admin_sign_in(client, PASSWORD)

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_rejects_the_admin_sign_in_of_an_account_the_sign_in_page_locked(client, boss):
    for _ in range(5):
        client.post(LOGIN, {"login": "boss@example.com", "password": "guess"})

    response = admin_sign_in(client, PASSWORD)

    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_admin_sign_ins_lock_the_sign_in_page_and_the_api_token_too(
    client, api_client, boss
):
    for _ in range(5):
        admin_sign_in(client, "guess")

    response = client.post(LOGIN, {"login": "boss@example.com", "password": PASSWORD})
    assert TOO_MANY in response.content.decode()
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "boss", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429


def test_guessing_many_staff_names_on_the_admin_form_from_one_address_is_stopped(client, boss):
    for n in range(10):
        client.post(ADMIN_LOGIN, {"username": f"staff{n}", "password": "guess"})

    response = admin_sign_in(client, PASSWORD)

    assert TOO_MANY in response.content.decode()


def test_staff_still_sign_in_to_the_admin_with_their_username(client, boss):
    response = admin_sign_in(client, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(boss.pk)


def test_the_admin_lockout_message_reads_in_french(client, boss):
    for _ in range(5):
        admin_sign_in(client, "guess")

    response = client.post(
        ADMIN_LOGIN,
        {"username": "boss", "password": PASSWORD, "next": "/admin/"},
        headers={"Accept-Language": "fr"},
    )

    assert "Trop de tentatives de connexion" in response.content.decode()
