"""The API token on the account page: shown, created on first view, regenerated."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
REGENERATE = reverse("accounts:api-token-regenerate")
API = reverse("api:token-list")


def api_get(api_client, key: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client.get(API)


def test_the_account_page_creates_the_token_on_first_view_and_shows_it(alice_client, alice):
    assert not Token.objects.filter(user=alice).exists()

    first = alice_client.get(PROFILE)
    key = Token.objects.get(user=alice).key
    second = alice_client.get(PROFILE)

    assert key in first.content.decode()
    assert key in second.content.decode()
    assert Token.objects.filter(user=alice).count() == 1


def test_the_token_shown_authenticates_api_calls_as_its_owner(alice_client, alice, api_client):
    alice_client.get(PROFILE)
    key = Token.objects.get(user=alice).key

    response = api_get(api_client, key)

    assert response.status_code == 200
    assert response.wsgi_request.user == alice


def test_regenerating_replaces_the_token_and_the_old_key_stops_working(
    alice_client, alice, api_client
):
    alice_client.get(PROFILE)
    old = Token.objects.get(user=alice).key

    response = alice_client.post(REGENERATE)

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    new = Token.objects.get(user=alice).key
    assert new != old
    assert new in alice_client.get(PROFILE).content.decode()

    refused = api_get(api_client, old)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token."}
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials(old)

    assert api_get(api_client, new).status_code == 200
    assert TokenAuthentication().authenticate_credentials(new)[0] == alice


def test_regenerating_is_a_post_only_action(alice_client):
    assert alice_client.get(REGENERATE).status_code == 405


def test_regenerating_needs_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(REGENERATE).status_code == 403


def test_an_anonymous_visitor_cannot_regenerate_a_token(client, alice):
    response = client.post(REGENERATE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Token.objects.exists()
