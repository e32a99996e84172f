"""At most a few heavy requests of one kind at once from one client.

A replayed hour (``?at=``) is computed afresh for every hour nobody asked for within the
page cache's lifetime: 0.2 to 0.5 s of a core. The replay control asks for one hour at a
time, so a limit on how many run *at once* per client costs its player nothing, while one
client sending many hours in parallel can no longer take every worker.

Counters live in the default cache (Redis in production, shared by every web process), with
an expiry so that a process killed mid-request does not hold its place for long.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle


def client_ident(request) -> str:
    """The client's address, through as many proxies as NUM_PROXIES trusts (as DRF's
    throttles and allauth's rate limits count it)."""
    return BaseThrottle().get_ident(request)


@contextmanager
def client_slot(*, kind: str, ident: str, limit: int, ttl: int = 60) -> Iterator[bool]:
    """Yield whether this client may run one more ``kind`` now (at most ``limit`` at once);
    the place is given back on exit. Without a working cache everyone may."""
    key = f"busy:{kind}:{ident}"
    try:
        cache.add(key, 0, ttl)
        count = cache.incr(key)
    except ValueError:  # expired between add and incr, or no cache
        yield True
        return
    # Redis's INCR recreates a key that expired after the existence check, with no expiry:
    # set it again, or a place could be held for ever.
    cache.touch(key, ttl)
    try:
        yield count <= limit
    finally:
        with suppress(ValueError):  # expired meanwhile
            cache.decr(key)
