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
