"""A database lease so that two runs of one job never overlap, whichever process runs them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from markets.models import JobLock


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
    try:
        yield owner
    finally:
        lock_release(name=MARKET_DATA_LOCK, owner=owner)
