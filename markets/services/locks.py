"""A database lease so that two runs of one job never overlap, whichever process runs them."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from markets.models import JobLock

logger = logging.getLogger(__name__)


def lock_acquire(*, name: str, ttl_seconds: int) -> str | None:
    """Take the lease, or return None while someone else holds an unexpired one."""
    owner = uuid.uuid4().hex
    now = timezone.now()
    until = now + timedelta(seconds=ttl_seconds)
    taken = JobLock.objects.filter(Q(name=name) & Q(locked_until__lt=now)).update(
        owner=owner, locked_until=until
    )
    if taken:
        return owner
    try:
        with transaction.atomic():
            JobLock.objects.create(name=name, owner=owner, locked_until=until)
    except IntegrityError:
        return None
    return owner


def lock_renew(*, name: str, owner: str, ttl_seconds: int) -> bool:
    """Push the lease's expiry ``ttl_seconds`` ahead; False when the owner no longer holds it."""
    until = timezone.now() + timedelta(seconds=ttl_seconds)
    return bool(JobLock.objects.filter(name=name, owner=owner).update(locked_until=until))


def lock_extend(*, name: str, owner: str, seconds: float) -> bool:
    """Make the lease last at least ``seconds`` from now, never shortening it (several
    holders' tasks may extend one lease); False when the owner no longer holds it."""
    until = timezone.now() + timedelta(seconds=seconds)
    held = JobLock.objects.filter(name=name, owner=owner)
    if held.filter(locked_until__lt=until).update(locked_until=until):
        return True
    return held.exists()


def lock_release(*, name: str, owner: str) -> None:
    JobLock.objects.filter(name=name, owner=owner).delete()


@contextmanager
def lock_held(*, name: str, ttl_seconds: int) -> Iterator[bool]:
    """``with lock_held(...) as acquired:`` — release is automatic when it was acquired."""
    owner = lock_acquire(name=name, ttl_seconds=ttl_seconds)
    try:
        yield owner is not None
    finally:
        if owner is not None:
            lock_release(name=name, owner=owner)


@contextmanager
def lock_kept(*, name: str, ttl_seconds: int) -> Iterator[bool]:
    """Like ``lock_held``, but renewed every third of ``ttl_seconds`` while held, so a holder
    that outlives the TTL keeps it (a dead one stops renewing: the lease still expires)."""
    owner = lock_acquire(name=name, ttl_seconds=ttl_seconds)
    if owner is None:
        yield False
        return
    with _renewed(name=name, owner=owner, ttl_seconds=ttl_seconds):
        yield True


@contextmanager
def _renewed(*, name: str, owner: str, ttl_seconds: int) -> Iterator[None]:
    """A lock just acquired, renewed while the block runs, then released."""
    keeper = _LeaseKeeper(name=name, owner=owner, ttl_seconds=ttl_seconds)
    keeper.start()
    try:
        yield
    finally:
        keeper.stop()
        lock_release(name=name, owner=owner)


# Refreshes, backfills and imports all write snapshots and recompute metrics: one at a time.
MARKET_DATA_LOCK = "refresh_prices"
LEASE_POLL_SECONDS = 0.5


class LeaseBusy(Exception):
    """Another refresh, backfill or import held the market-data lease for too long."""


@contextmanager
def market_data_lease(*, purpose: str, wait_seconds: float | None = None) -> Iterator[str]:
    """Hold the market-data lease (the refresh's), waiting up to ``wait_seconds`` for it."""
    import time

    from django.conf import settings

    wait = settings.MARKET_DATA_LEASE_WAIT_SECONDS if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    while (owner := lock_acquire(name=MARKET_DATA_LOCK,
                                 ttl_seconds=settings.REFRESH_LOCK_SECONDS)) is None:  # fmt: skip
        if time.monotonic() >= deadline:
            raise LeaseBusy(f"{purpose}: a refresh, backfill or import is running; try again later")
        time.sleep(LEASE_POLL_SECONDS)
    with _renewed(name=MARKET_DATA_LOCK, owner=owner, ttl_seconds=settings.REFRESH_LOCK_SECONDS):
        yield owner


class _LeaseKeeper(threading.Thread):
    """Renews a lease every third of its TTL while its holder works: an import or compaction
    may outlive the TTL, and a refresh must not take the lease over meanwhile. The thread
    dies with its process, so a crashed holder's lease still expires."""

    def __init__(self, *, name: str, owner: str, ttl_seconds: int) -> None:
        super().__init__(name=f"lease-keeper-{name}", daemon=True)
        self.lease, self.owner, self.ttl_seconds = name, owner, ttl_seconds
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.ttl_seconds / 3):
                try:
                    kept = lock_renew(name=self.lease, owner=self.owner,
                                      ttl_seconds=self.ttl_seconds)  # fmt: skip
                except DatabaseError:  # e.g. SQLite locked by the holder's own transaction
                    logger.warning("could not renew the %s lease", self.lease, exc_info=True)
                    continue
                if not kept:
                    logger.warning("the %s lease was taken over", self.lease)
                    return
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self._stopped.set()
        self.join()
