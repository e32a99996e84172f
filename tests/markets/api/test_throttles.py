import time_machine
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from core.api.throttles import AnonCounterThrottle


class Limited(AnonCounterThrottle):
    rate = "3/min"


def anonymous(address):
    request = APIRequestFactory().get("/api/v1/tokens/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def test_it_allows_the_rate_then_refuses_until_the_window_ends(db):
    request = anonymous("10.0.0.1")
    with time_machine.travel("2026-02-06T12:00:10Z", tick=False):
        throttle = Limited()
        assert [throttle.allow_request(request, None) for _ in range(4)] == [
            True, True, True, False,
        ]  # fmt: skip
        assert throttle.wait() == 50
    with time_machine.travel("2026-02-06T12:01:00Z", tick=False):
        assert Limited().allow_request(request, None)


def test_clients_are_counted_apart(db):
    first, second = anonymous("10.0.0.1"), anonymous("10.0.0.2")
    throttle = Limited()
    for _ in range(3):
        throttle.allow_request(first, None)
    assert not throttle.allow_request(first, None)
    assert throttle.allow_request(second, None)
