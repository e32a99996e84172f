"""The header's language switch, used while signed in, changes the account's language too."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.accounts.conftest import EMAIL, PASSWORD

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
SWITCH = "/i18n/switch/"


def test_switching_to_french_while_signed_in_survives_signing_in_again(client, alice):
    alice.preferred_language = "en"
    alice.save()
    client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})

    client.get(SWITCH, {"language": "fr", "next": "/watchlists/"})
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})

    assert response.cookies[COOKIE].value == "fr"  # not back to English
    alice.refresh_from_db()
    assert alice.preferred_language == "fr"  # notifications and emails follow it


def test_the_switch_sets_the_language_of_an_account_that_had_none(alice_client, alice):
    alice_client.get(SWITCH, {"language": "fr", "next": "/"})

    alice.refresh_from_db()
    assert alice.preferred_language == "fr"


def test_a_switch_link_followed_from_another_site_changes_only_the_cookie(alice_client, alice):
    alice.preferred_language = "en"
    alice.save()

    response = alice_client.get(
        SWITCH, {"language": "fr", "next": "/"}, headers={"Sec-Fetch-Site": "cross-site"}
    )

    assert response.cookies[COOKIE].value == "fr"
    alice.refresh_from_db()
    assert alice.preferred_language == "en"


def test_an_unknown_language_changes_nothing_on_the_account(alice_client, alice):
    alice.preferred_language = "en"
    alice.save()

    alice_client.get(SWITCH, {"language": "de", "next": "/"})

    alice.refresh_from_db()
    assert alice.preferred_language == "en"


def test_an_anonymous_switch_still_only_sets_the_cookie(client):
    response = client.get(SWITCH, {"language": "fr", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "fr"
