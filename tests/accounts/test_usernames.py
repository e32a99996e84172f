"""Usernames are pseudonymous handles, never made of the email address they signed up with."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from accounts.services import username_derived_from_email

pytestmark = pytest.mark.django_db

HANDLE = re.compile(r"^member-[a-z2-7]{8}$")
PASSWORD = "granite-pelican-sunrise-7"
migration = importlib.import_module("accounts.migrations.0003_pseudonymous_usernames")


def _user(username: str, email: str, **fields) -> User:
    return User.objects.create_user(username=username, email=email, password=PASSWORD, **fields)


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_it_gives_a_new_account_a_handle_not_made_of_its_email(client):
    email = "dora.private.name@corp-secret.example"
    response = client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email=email)
    assert HANDLE.match(user.username), user.username
    assert "dora" not in user.username and user.public_name == user.username


def test_it_renames_accounts_named_after_their_email_but_not_staff_or_others():
    alice = _user("alice", "alice@example.org")
    bob = _user("bob", "bob@example.org", display_name="Bob B.")
    suffixed = _user("dora.private.name4a", "Dora.Private.Name@corp-secret.example")
    unrelated = _user("zed", "carol@example.org")
    staff = _user("staff", "staff@example.org", is_staff=True)
    root = _user("root", "root@example.org", is_superuser=True)

    migration.pseudonymize(apps, None)

    renamed = [User.objects.get(pk=user.pk).username for user in (alice, bob, suffixed)]
    assert all(HANDLE.match(name) for name in renamed) and len(set(renamed)) == 3
    kept = User.objects.filter(pk__in=[unrelated.pk, staff.pk, root.pk])
    assert sorted(kept.values_list("username", flat=True)) == ["root", "staff", "zed"]
    assert User.objects.get(pk=bob.pk).public_name == "Bob B."


def test_a_renamed_account_still_gets_an_api_token_with_its_email(api_client):
    _user("alice", "alice@example.org")
    migration.pseudonymize(apps, None)
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "alice@example.org", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200 and response.json()["token"]


@pytest.mark.parametrize(
    ("username", "email", "derived"),
    [
        ("alice", "alice@example.org", True),
        ("alice12ab", "Alice@example.org", True),
        ("jose.maria", "José.María@example.org", True),
        ("o_brien", "O Brien@example.org", True),
        ("member-abcdefgh", "alice@example.org", False),
        ("al", "alice@example.org", False),
        ("user", "!!!@example.org", False),
    ],
)
def test_it_recognises_allauths_usernames_made_of_the_email(username, email, derived):
    assert username_derived_from_email(username=username, email=email) is derived
