"""Changing the account's email addresses asks for the password again unless it was given in
the last minutes: a stolen session must not be enough to take the account over (swap the
email, then reset the password from it)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import EMAIL, PASSWORD

pytestmark = pytest.mark.django_db

EMAILS = reverse("account_email")
REAUTHENTICATE = reverse("account_reauthenticate")


def test_it_rejects_adding_an_email_from_a_session_without_a_recent_password(client, alice):
    client.force_login(alice)  # a session someone took: no recent sign-in recorded in it

    response = client.post(EMAILS, {"action_add": "", "email": "mallory@evil.example"})

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert not EmailAddress.objects.filter(email="mallory@evil.example").exists()
    assert not mail.outbox


def test_it_rejects_making_another_address_primary_without_a_recent_password(client, alice):
    EmailAddress.objects.create(user=alice, email="other@example.com", verified=True)
    client.force_login(alice)

    response = client.post(EMAILS, {"action_primary": "", "email": "other@example.com"})

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert EmailAddress.objects.get(user=alice, primary=True).email == EMAIL


def test_the_change_goes_through_once_the_password_is_given_again(client, alice):
    client.force_login(alice)
    reauthenticate = client.post(EMAILS, {"action_add": "", "email": "new@example.com"})

    client.post(reauthenticate["Location"], {"password": PASSWORD})

    assert EmailAddress.objects.filter(user=alice, email="new@example.com").exists()
    assert [message.to for message in mail.outbox] == [["new@example.com"]]


def test_once_given_the_password_is_not_asked_again_for_a_few_minutes(client, alice):
    client.force_login(alice)
    reauthenticate = client.post(EMAILS, {"action_add": "", "email": "new@example.com"})
    client.post(reauthenticate["Location"], {"password": PASSWORD})

    response = client.post(EMAILS, {"action_add": "", "email": "third@example.com"})

    assert not response.get("Location", "").startswith(REAUTHENTICATE)
    assert EmailAddress.objects.filter(user=alice, email="third@example.com").exists()


def test_the_password_page_reads_in_french(client, alice):
    client.force_login(alice)
    reauthenticate = client.post(EMAILS, {"action_add": "", "email": "new@example.com"})

    response = client.get(reauthenticate["Location"], headers={"Accept-Language": "fr"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html and "Confirmer l" in html and "Confirm Access" not in html
