import time

import pytest
import time_machine

from markets.models import JobLock
from markets.services.locks import (
    MARKET_DATA_LOCK,
    lock_acquire,
    lock_held,
    lock_release,
    market_data_lease,
)


def test_a_held_lock_cannot_be_taken_twice(db):
    owner = lock_acquire(name="job", ttl_seconds=60)
    assert owner
    assert lock_acquire(name="job", ttl_seconds=60) is None
    lock_release(name="job", owner=owner)
    assert lock_acquire(name="job", ttl_seconds=60)


def test_an_expired_lock_can_be_taken_over(db):
    with time_machine.travel("2026-02-06T12:00:00Z", tick=False):
        assert lock_acquire(name="job", ttl_seconds=60)
    with time_machine.travel("2026-02-06T12:02:00Z", tick=False):
        assert lock_acquire(name="job", ttl_seconds=60)
    assert JobLock.objects.count() == 1


def test_only_the_owner_releases_it(db):
    owner = lock_acquire(name="job", ttl_seconds=60)
    lock_release(name="job", owner="someone-else")
    assert JobLock.objects.filter(owner=owner).exists()


def test_the_context_manager_releases_even_on_error(db):
    try:
        with lock_held(name="job", ttl_seconds=60) as acquired:
            assert acquired
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert not JobLock.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_long_holder_keeps_the_market_data_lease_past_its_ttl(settings):
    """An import or compaction that outlives the lease's TTL keeps it: a refresh started
    meanwhile must not take it over and write under the import's feet."""
    settings.REFRESH_LOCK_SECONDS = 1
    with market_data_lease(purpose="import") as owner:
        time.sleep(2.5)  # well past the 1 s TTL
        assert lock_acquire(name=MARKET_DATA_LOCK, ttl_seconds=1) is None
        assert JobLock.objects.get(name=MARKET_DATA_LOCK).owner == owner
    assert not JobLock.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_lease_taken_over_is_not_renewed_by_its_former_holder(settings):
    settings.REFRESH_LOCK_SECONDS = 1
    with market_data_lease(purpose="import"):
        JobLock.objects.filter(name=MARKET_DATA_LOCK).update(owner="refresh")
        time.sleep(1.2)  # the keeper's renewals (every TTL / 3) find no row of theirs
        assert JobLock.objects.get(name=MARKET_DATA_LOCK).owner == "refresh"
    assert JobLock.objects.get(name=MARKET_DATA_LOCK).owner == "refresh"  # not released


@pytest.mark.django_db(transaction=True)
def test_a_refresh_longer_than_its_lease_keeps_it_until_it_ends(settings):
    """The one-process refresh (refresh_prices, the command) took the lease without renewing
    it: a fetch slowed by 429s past REFRESH_LOCK_SECONDS let a second refresh run beside it."""
    from markets.services.refresh import prices_refresh
    from tests.factories import TokenFactory
    from tests.markets.stubs import StubProvider

    settings.REFRESH_LOCK_SECONDS = 1
    TokenFactory(symbol="TAO")
    seen = []

    class Slow(StubProvider):
        def fetch_latest(self, tokens):
            time.sleep(2.5)  # well past the 1 s TTL
            seen.append(lock_acquire(name=MARKET_DATA_LOCK, ttl_seconds=1))
            return super().fetch_latest(tokens)

    assert prices_refresh(provider=Slow()).status == "ok"
    assert seen == [None]
    assert not JobLock.objects.exists()
