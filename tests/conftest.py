import uuid

import pytest
from rest_framework.test import APIClient

from core import cache as core_cache
from tests.factories import TokenFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Tests sign users in by the thousand: hash their passwords cheaply (Django's own advice;
    production keeps PBKDF2 with its million iterations, about 0.4 s a hash here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tao(db):
    return TokenFactory(symbol="TAO", name="Bittensor", coingecko_id="bittensor")


@pytest.fixture
def btc(db):
    return TokenFactory(symbol="BTC", name="Bitcoin", coingecko_id="bitcoin", is_benchmark=True)


@pytest.fixture
def api_client():
    """A DRF test client (anonymous until you authenticate it)."""
    return APIClient()


# --- Users (healthchecks style): alice owns things, bob and charlie are other users ---------


def _user(username: str, **fields):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="password", **fields
    )


@pytest.fixture
def openapi(client, db):
    """The served OpenAPI schema as JSON."""
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def alice(db):
    return _user("alice")


@pytest.fixture
def bob(db):
    return _user("bob")


@pytest.fixture
def charlie(db):
    return _user("charlie")


@pytest.fixture
def staff(db):
    """A staff superuser: for data a user owns, just another user."""
    return _user("staff", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Every test starts with an empty cache (cached pages, API payloads, throttle counters).

    A key prefix of its own rather than a flush: with Redis the cache may be shared with
    other test runs, which a FLUSHDB would disturb and whose entries must not leak in here.
    """
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }
    request_state_clear()


def request_state_clear() -> None:
    """Leave any request: the data version read once per request (core.cache) is dropped on
    request_finished, which a test's streamed answer left unread never sends, so the next
    test would read that request's version (a flaky test_page_cache)."""
    core_cache._in_request.__dict__.clear()


@pytest.fixture(autouse=True)
def no_fragment_cache(settings):
    """Pages render every part afresh: the data version that keys the cached fragments is
    bumped on commit, which tests inside a transaction never reach. The fragment tests
    (tests/core/test_fragments.py) turn it on and run the commit callbacks."""
    settings.FRAGMENT_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def english_by_default():
    """Every test starts in English: a test that activated French must not leak it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
