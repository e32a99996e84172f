"""Shared set-up of the account tests: a signed-up user.

Rate limits and throttles count in the cache: each test has a key prefix of its own
(tests/conftest.py), never a flush, which would wipe the counts of a test running at the
same time in the other pytest-xdist process on the same Redis."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User

PASSWORD = "violet-otter-harbour-42"
EMAIL = "alice@example.com"


@pytest.fixture
def alice(db) -> User:
    """A user who signed up and confirmed their email address."""
    user = User.objects.create_user(username="alice", email=EMAIL, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
    return user


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client
