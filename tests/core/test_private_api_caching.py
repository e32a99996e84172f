"""API answers about what a user owns (watchlists, alerts, notifications) are never stored
by a browser or a proxy, like the pages that show them (never_cache)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


OWNED = ["/api/v1/watchlists/", "/api/v1/alerts/", "/api/v1/notifications/"]


@pytest.mark.parametrize("url", OWNED)
def test_what_a_user_owns_is_served_private_and_never_stored(api_client, alice, url):
    api_client.force_authenticate(alice)

    response = api_client.get(url)

    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache"} <= directives


def test_an_anonymous_request_for_them_is_not_stored_either(api_client):
    response = api_client.get("/api/v1/watchlists/")

    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]


def test_the_answer_that_carries_an_api_token_is_never_stored(api_client, alice):
    """POST /api/v1/auth/token/ answers with the key itself, and said nothing about caching:
    a key is a password (RFC 6749 asks no-store of any answer holding a token)."""
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "alice@example.org", "password": "password"},
        format="json",
    )

    assert response.status_code == 200 and "token" in response.json()
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache"} <= directives
