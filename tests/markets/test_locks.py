import time_machine

from markets.models import JobLock
from markets.services.locks import lock_acquire, lock_held, lock_release


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
