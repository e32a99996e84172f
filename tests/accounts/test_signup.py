"""Signing up with an email address and a password, confirming the address, signing in."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

EMAIL = "bob@example.com"
PASSWORD = "granite-pelican-sunrise-7"
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)")


def sign_up(client: Client):
    return client.post(
        reverse("account_signup"),
        {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
    )


def sign_in(client: Client, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": EMAIL, "password": password})


def confirm_link_in(message) -> str:
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_a_visitor_signs_up_confirms_their_email_and_signs_in_again(client):
    response = sign_up(client)

    assert response.status_code == 302
    user = User.objects.get(email=EMAIL)
    assert user.check_password(PASSWORD)
    assert user.username  # filled in by allauth: people never choose one
    [message] = mail.outbox
    assert message.to == [EMAIL]
    link = confirm_link_in(message)
    assert not EmailAddress.objects.get(user=user).verified

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert b'method="post"' in page.content
    assert not EmailAddress.objects.get(user=user).verified  # a GET alone confirms nothing

    assert visitor.post(link).status_code == 302
    assert EmailAddress.objects.get(user=user, email=EMAIL).verified

    client.logout()
    assert not is_signed_in(client)
    assert sign_in(client).status_code == 302
    assert is_signed_in(client)


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_with_mandatory_verification_nobody_signs_in_before_confirming_their_email(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_signed_in(client)

    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_signed_in(client)

    link = confirm_link_in(mail.outbox[0])
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email=EMAIL).verified

    assert sign_in(client).status_code == 302
    assert is_signed_in(client)


def test_the_same_email_address_cannot_sign_up_twice(client):
    sign_up(client)
    client.logout()

    response = sign_up(Client())

    assert User.objects.filter(email=EMAIL).count() == 1
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_a_wrong_password_does_not_sign_in(client):
    sign_up(client)
    client.logout()

    response = sign_in(client, password="not-the-password")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not is_signed_in(client)


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_someone_who_signs_up_in_french_gets_their_alerts_written_in_french(client):
    from notifications.services import user_language

    client.post(
        reverse("account_signup"),
        {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
        headers={"Accept-Language": "fr-FR,fr;q=0.9"},
    )

    user = User.objects.get(email=EMAIL)
    assert user.preferred_language == "fr"  # shown, and changeable, on the profile
    assert user_language(user) == "fr"  # what notifications and digests are written in


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_someone_who_signs_up_in_english_keeps_english(client):
    client.post(
        reverse("account_signup"),
        {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
        headers={"Accept-Language": "en-GB,en;q=0.9"},
    )

    assert User.objects.get(email=EMAIL).preferred_language == "en"


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_signing_up_with_a_taken_address_hashes_a_password_like_a_new_account(client, monkeypatch):
    # With mandatory verification both answers are the same page ("check your email"), so
    # nothing but the time tells them apart: a new account hashes its password (PBKDF2,
    # about 0.4 s in production), a taken address returned at once without hashing anything.
    from django.contrib.auth.hashers import MD5PasswordHasher

    hashed = []
    encode = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher, "encode", lambda self, *a, **k: hashed.append(1) or encode(self, *a, **k)
    )
    assert sign_up(client)["Location"] == reverse("account_email_verification_sent")
    new_account = len(hashed)
    assert new_account >= 1

    for _attempt in range(2):  # the second time allauth sends no mail: still hashed
        hashed.clear()
        response = sign_up(Client())
        assert response["Location"] == reverse("account_email_verification_sent")
        assert len(hashed) == new_account
    assert User.objects.filter(email=EMAIL).count() == 1
