"""Emails name the site ("aicrash", or SITE_NAME), not the host that served the request."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_confirmation_email_names_the_site_not_the_host(client):
    client.post(reverse("account_signup"), {"email": "ana@example.org",
                                            "password1": "granite-pelican-sunrise-7",
                                            "password2": "granite-pelican-sunrise-7"})  # fmt: skip
    [message] = mail.outbox
    assert message.subject.startswith("[aicrash] ")
    assert "Hello from aicrash!" in message.body and "Thank you for using aicrash!" in message.body
    assert "Hello from testserver" not in message.body


def test_a_password_reset_email_names_the_site_too(client, settings):
    settings.SITE_NAME = "Crash watch"
    User.objects.create_user(username="u", email="u@example.org", password="x-12345-y")
    client.post(reverse("account_reset_password"), {"email": "u@example.org"})
    [message] = mail.outbox
    assert "Hello from Crash watch!" in message.body


PASSWORD = "granite-pelican-sunrise-7"
SIGNUP = {"email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD}


def test_the_confirmation_email_names_no_member_handle_the_person_never_saw(client):
    client.post(reverse("account_signup"), SIGNUP)
    [message] = mail.outbox
    handle = User.objects.get(email="ana@example.org").username
    assert handle not in message.body and "member-" not in message.body
    assert "has given your email address" not in message.body
    assert "This email address was given to create an account on aicrash" in message.body
    assert "If it wasn't you, ignore this email" in message.body


def test_the_french_confirmation_email_names_no_member_handle_either(client):
    client.post(reverse("account_signup"), SIGNUP, headers={"Accept-Language": "fr"})
    [message] = mail.outbox
    assert "member-" not in message.body
    assert "Cette adresse e-mail a été donnée pour créer un compte sur aicrash" in message.body


def test_the_email_change_confirmation_names_no_member_handle(client):
    user = User.objects.create_user(username="member-abcd1234", email="u@example.org",
                                    password="x-12345-y")  # fmt: skip
    client.force_login(user)
    # Changing addresses asks for the password again (tests/accounts/test_reauthentication.py)
    asked = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    client.post(asked["Location"], {"password": "x-12345-y"})
    [message] = mail.outbox
    assert message.to == ["new@example.org"]
    assert "member-abcd1234" not in message.body
    assert "This email address was given for an account on aicrash" in message.body
