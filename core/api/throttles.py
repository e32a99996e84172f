"""Rate limits as fixed-window counters in the cache.

DRF's SimpleRateThrottle stores every request time of the window in one cache entry, read
and rewritten on each request: the cost grows with the rate, and two workers can overwrite
each other's count. A counter per (client, window) is one atomic ``incr`` instead, sent with
its expiry in one round trip to Redis.
"""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class CounterThrottleMixin:
    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        count = self._count(f"{self.key}:{window}")
        self._wait = (window + 1) * self.duration - now
        return count <= self.num_requests

    def _count(self, key: str) -> int:
        window_incr = getattr(self.cache, "window_incr", None)
        if window_incr is not None:  # Redis: one round trip
            return window_incr(key, int(self.duration) + 1)
        if self.cache.add(key, 1, self.duration + 1):
            return 1
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.add(key, 1, self.duration + 1)
            return 1

    def wait(self) -> float:
        return max(getattr(self, "_wait", 0.0), 0.0)


class AnonCounterThrottle(CounterThrottleMixin, AnonRateThrottle):
    pass


class UserCounterThrottle(CounterThrottleMixin, UserRateThrottle):
    pass


class AuthTokenThrottle(CounterThrottleMixin, SimpleRateThrottle):
    """POST /api/v1/auth/token/ by client address: password guessing has its own budget."""

    scope = "auth_token"

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope)  # not configured: no limit of its own

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
