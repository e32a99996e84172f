"""Shared set-up of the account tests: a clean cache and a signed-up user."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from accounts.models import User

PASSWORD = "violet-otter-harbour-42"
EMAIL = "alice@example.com"


@pytest.fixture(autouse=True)
def clean_cache():
    """allauth's rate limits and DRF's throttles count in the cache (Redis in CI)."""
    cache.clear()
    yield
    cache.clear()


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
