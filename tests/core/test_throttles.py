"""Rate-limit counters: one round trip to Redis, an expiry on every counter, and the same
limits on a cache without Redis."""

import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIRequestFactory

from core.api.throttles import AnonCounterThrottle
from core.cache_backend import ResilientRedisCache


class Limited(AnonCounterThrottle):
    rate = "3/min"


def anonymous(address="10.0.0.1"):
    request = APIRequestFactory().get("/api/v1/tokens/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def test_a_counter_in_redis_expires_after_its_window(db):
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    with time_machine.travel("2026-02-06T12:00:10Z", tick=False):
        throttle = Limited()
        throttle.allow_request(anonymous(), None)
        key = cache.make_and_validate_key(f"{throttle.key}:{int(throttle.timer() // 60)}")
        client = cache._cache.get_client(key)
        assert int(client.get(key)) == 1
        assert 0 < client.ttl(key) <= 61


def test_a_cache_without_redis_counts_the_same_limits(db):
    with time_machine.travel("2026-02-06T12:00:10Z", tick=False):
        throttle = Limited()
        throttle.cache = LocMemCache("throttle-test", {})
        allowed = [throttle.allow_request(anonymous(), None) for _ in range(4)]
        assert allowed == [True, True, True, False]
        assert throttle.wait() == 50
