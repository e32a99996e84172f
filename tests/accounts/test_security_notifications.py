"""Someone who takes over a session and changes the password or the address is not silent:
the account's owner gets an email at the address they had, saying what changed."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import EMAIL, PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quartz-heron-lantern-91"


def test_a_password_change_is_mailed_to_the_owner(alice_client):
    response = alice_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject.startswith("[aicrash] ")
    assert "Your password has been changed." in message.body


def test_a_new_primary_address_is_mailed_to_the_old_one(alice_client, alice):
    EmailAddress.objects.create(user=alice, email="alice.new@example.com", verified=True)
    asked = alice_client.post(
        reverse("account_email"), {"action_primary": "", "email": "alice.new@example.com"}
    )
    alice_client.post(asked["Location"], {"password": PASSWORD})  # the password again

    assert EmailAddress.objects.get(user=alice, primary=True).email == "alice.new@example.com"
    [message] = [m for m in mail.outbox if m.to == [EMAIL]]
    assert "alice.new@example.com" in message.body
