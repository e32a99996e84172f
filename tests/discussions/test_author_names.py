"""Comments are signed with the author's public name: never any part of their email address."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from tests.discussions.conftest import comment

EMAIL = "dora.private.name@corp-secret.example"
PASSWORD = "granite-pelican-sunrise-7"


@pytest.fixture
def dora(client, tao) -> User:
    """Someone who signed up through the page with an email that names them."""
    with override_settings(ACCOUNT_EMAIL_VERIFICATION="optional"):
        client.post(
            reverse("account_signup"),
            {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
        )
    client.logout()
    return User.objects.get(email=EMAIL)


def _shown(client, api_client) -> tuple[str, dict]:
    page = client.get("/tokens/TAO/comments/").content.decode()
    [item] = api_client.get("/api/v1/tokens/TAO/comments/").json()["results"]
    return page, item


def test_it_signs_comments_and_replies_with_the_display_name(client, api_client, dora, alice):
    dora.display_name = "Dora the analyst"
    dora.save(update_fields=["display_name"])
    top = comment(dora, "Capitulation first")
    comment(dora, "then a rebound", parent=top, token=top.token)
    page, item = _shown(client, api_client)
    assert page.count('<span class="comment__author">Dora the analyst</span>') == 2
    assert item["author"] == "Dora the analyst"
    assert item["replies"][0]["author"] == "Dora the analyst"
    assert "dora.private" not in page and "dora.private" not in str(item)


def test_without_a_display_name_it_shows_the_handle_never_the_email(client, api_client, dora):
    comment(dora, "Capitulation first")
    page, item = _shown(client, api_client)
    assert item["author"] == dora.username and dora.username.startswith("member-")
    assert f'<span class="comment__author">{dora.username}</span>' in page
    assert "dora.private" not in page and "dora.private" not in str(item)
    detail = client.get(f"/comments/{item['id']}/").content.decode()
    assert dora.username in detail and "dora.private" not in detail
