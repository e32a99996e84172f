"""A Redis cache that degrades to "no cache" while Redis is unreachable, instead of a 500.

The cache only makes the site faster (cached pages, API payloads) and counts rate limits.
When Redis is down, every call answers as an empty cache would, without waiting on Redis:
reads miss, writes are dropped, ``add`` succeeds (so the lock allauth's rate limits take
around their counters is granted, rather than locking everybody out), ``incr`` counts from
the delta. Rate limits are therefore not enforced during an outage; pages are slower.

After a failure the cache stays "down" for ``RETRY_AFTER_SECONDS`` (no connection attempt,
so a dead Redis costs nothing per request), and the outage is logged once per period.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 5.0
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


class _Outage:
    """Whether Redis is considered down, shared by the threads of a process."""

    def __init__(self) -> None:
        self.down_until = 0.0
        self.lock = threading.Lock()

    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def mark_down(self, exc: BaseException) -> None:
        with self.lock:
            already = self.is_down()
            self.down_until = time.monotonic() + RETRY_AFTER_SECONDS
        if not already:
            logger.warning(
                "Cache unavailable, serving without it for %ss: %s",
                RETRY_AFTER_SECONDS,
                type(exc).__name__,
            )


def _degrading(name: str, fallback, impl=None):
    impl = impl or getattr(RedisCacheClient, name)

    def method(self, *args, **kwargs):
        if self._outage.is_down():
            return fallback(*args, **kwargs)
        try:
            return impl(self, *args, **kwargs)
        except OUTAGE_ERRORS as exc:
            self._outage.mark_down(exc)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


def _window_incr(client: RedisCacheClient, key: str, timeout: int) -> int:
    """INCR and EXPIRE in one round trip (Django's add-then-incr takes three)."""
    with client.get_client(key, write=True).pipeline(transaction=False) as pipe:
        pipe.incr(key)
        pipe.expire(key, timeout)
        count, _ = pipe.execute()
    return count


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **{**DEFAULT_OPTIONS, **options})
        self._outage = _Outage()

    add = _degrading("add", lambda key, value, timeout: True)
    get = _degrading("get", lambda key, default: default)
    set = _degrading("set", lambda key, value, timeout: None)
    touch = _degrading("touch", lambda key, timeout: False)
    delete = _degrading("delete", lambda key: False)
    get_many = _degrading("get_many", lambda keys: {})
    has_key = _degrading("has_key", lambda key: False)
    incr = _degrading("incr", lambda key, delta: delta)
    set_many = _degrading("set_many", lambda data, timeout: [])
    delete_many = _degrading("delete_many", lambda keys: None)
    clear = _degrading("clear", lambda: False)
    window_incr = _degrading("window_incr", lambda key, timeout: 1, _window_incr)

    def is_available(self) -> bool:
        """Ping Redis now (for /healthz), whatever the outage state."""
        try:
            self.get_client(write=True).ping()
        except OUTAGE_ERRORS as exc:
            self._outage.mark_down(exc)
            return False
        return True


class ResilientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that survives a Redis outage."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient

    def window_incr(self, key: str, timeout: int) -> int:
        """The new value of a counter that lives ``timeout`` seconds past its last increment
        (rate limits); 1 while Redis is down."""
        return self._cache.window_incr(self.make_and_validate_key(key), timeout)
