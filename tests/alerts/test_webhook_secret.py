"""The webhook secret on /alerts/: shown whole once, right after it is issued, like a password."""

from __future__ import annotations

import re

import pytest

from notifications.models import WebhookSettings

pytestmark = pytest.mark.django_db

PAGE = "/alerts/"
REAUTHENTICATE = "/accounts/reauthenticate/"


def _password_given(client, user) -> None:
    client.force_login(user)
    client.post(REAUTHENTICATE, {"password": "password"})


def _secret(user) -> str:
    return WebhookSettings.objects.get(user=user).secret


def test_a_later_visit_shows_only_the_start_of_the_secret(client, alice):
    client.force_login(alice)
    client.get(PAGE)

    page = client.get(PAGE).content.decode()

    secret = _secret(alice)
    assert secret not in page
    assert f"{secret[:4]}…" in page


def test_issuing_a_new_secret_shows_it_whole_once(client, alice):
    _password_given(client, alice)
    client.get(PAGE)
    old = _secret(alice)

    response = client.post("/alerts/webhook/", {"default_url": "", "new_secret": "1"}, follow=True)

    new = _secret(alice)
    assert new != old
    page = response.content.decode()
    assert new in page and "Copy your secret now" in page
    assert new not in client.get(PAGE).content.decode()


def test_saving_without_a_new_secret_does_not_show_the_secret(client, alice):
    client.force_login(alice)
    client.get(PAGE)

    response = client.post("/alerts/webhook/", {"default_url": ""}, follow=True)

    assert _secret(alice) not in response.content.decode()


def test_another_users_new_secret_is_never_shown(client, alice, bob):
    _password_given(client, alice)
    client.post("/alerts/webhook/", {"default_url": "", "new_secret": "1"})
    client.force_login(bob)  # a new session: nothing of alice's carries over

    page = client.get(PAGE).content.decode()

    assert _secret(alice) not in page and _secret(bob) not in page


def test_the_french_page_says_how_to_see_a_secret_whole(client, alice):
    client.force_login(alice)
    client.cookies["django_language"] = "fr"

    page = client.get(PAGE).content.decode()

    assert "émettez-en un nouveau" in page
    assert re.search(r"Votre secret\s?:", page)


def test_a_bare_session_is_asked_for_the_password_before_a_new_secret(client, alice):
    """The secret signs the owner's deliveries: a borrowed session must not take a new one."""
    client.force_login(alice)
    client.get(PAGE)
    old = _secret(alice)

    response = client.post("/alerts/webhook/", {"default_url": "", "new_secret": "1"})

    assert response.status_code == 302 and response["Location"].startswith(REAUTHENTICATE)
    assert _secret(alice) == old


def test_saving_the_url_alone_asks_for_no_password(client, alice):
    client.force_login(alice)

    response = client.post("/alerts/webhook/", {"default_url": ""})

    assert response.status_code == 302 and response["Location"] == PAGE


def test_once_the_password_is_given_the_new_secret_is_issued_and_shown(client, alice):
    client.force_login(alice)
    client.get(PAGE)
    old = _secret(alice)
    asked = client.post("/alerts/webhook/", {"default_url": "", "new_secret": "1"})

    page = client.post(asked["Location"], {"password": "password"}, follow=True)

    assert _secret(alice) != old
    assert _secret(alice) in page.content.decode()
