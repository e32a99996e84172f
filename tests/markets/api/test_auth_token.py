"""POST /api/v1/auth/token/ and token authentication."""

import pytest
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db

URL = reverse("core-api:auth-token")
PASSWORD = "correct horse battery staple"
EMAIL = "alice@example.org"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(
        username="member-alice123", email=EMAIL, password=PASSWORD
    )


def test_a_user_gets_the_same_token_each_time_and_can_use_it(api_client, alice):
    response = api_client.post(URL, {"username": EMAIL, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    again = api_client.post(URL, {"username": EMAIL, "password": PASSWORD})  # form-encoded
    assert again.json() == {"token": key}

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get(reverse("api:token-list"))
    assert response.status_code == 200
    assert response.wsgi_request.user == alice


def test_a_wrong_token_is_refused_with_a_401(api_client, alice):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = api_client.get(reverse("api:token-list"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_wrong_password_is_a_json_400(api_client, alice):
    response = api_client.post(URL, {"username": EMAIL, "password": "nope"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Unable to log in with provided credentials."
    assert list(body["errors"]) == ["non_field_errors"]


def test_missing_credentials_are_a_400_naming_each_field(api_client, db):
    response = api_client.post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_a_stale_authorization_header_does_not_block_logging_in(api_client, alice):
    api_client.credentials(HTTP_AUTHORIZATION="Token expired")
    response = api_client.post(URL, {"username": EMAIL, "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_password_guessing_is_throttled(api_client, alice, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})
    for _ in range(3):
        assert api_client.post(URL, {"username": EMAIL, "password": "x"}).status_code == 400
    response = api_client.post(URL, {"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_members_public_handle_is_not_a_sign_in_name(api_client, alice):
    """Comments show a member's handle: the README lets only staff use a username here."""
    response = api_client.post(URL, {"username": alice.username, "password": PASSWORD})
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "Unable to log in with provided credentials."
    ]


def test_staff_may_give_their_admin_username(api_client, django_user_model):
    django_user_model.objects.create_user(
        username="boss", email="boss@example.org", password=PASSWORD, is_staff=True
    )
    response = api_client.post(URL, {"username": "boss", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


def test_the_token_may_also_be_sent_as_a_bearer_token(api_client, alice):
    """Many HTTP clients send "Bearer"; it was taken for no credentials at all (a 401
    saying none were provided, or anonymous reads under the anonymous rate limit)."""
    key = api_client.post(URL, {"username": EMAIL, "password": PASSWORD}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api_client.get(reverse("api:token-list"))
    assert response.status_code == 200 and response.wsgi_request.user == alice
    api_client.credentials(HTTP_AUTHORIZATION="Bearer 0123456789abcdef")
    response = api_client.get(reverse("api:token-list"))
    assert response.status_code == 401 and response.json() == {"detail": "Invalid token."}


def test_failures_typed_against_a_members_handle_do_not_lock_their_account(
    api_client, alice, settings
):
    """Anyone who reads a comment knows its author's handle: failures under it must not
    count against the member's own sign-in, or they could keep them locked out."""
    for _ in range(8):
        api_client.post(URL, {"username": alice.username, "password": "guess"})
    response = api_client.post(URL, {"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 200
