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
