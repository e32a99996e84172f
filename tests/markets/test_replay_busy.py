# ruff: noqa: F811 (the page fixtures imported below are used as test arguments)
"""A client computing too many replayed hours at once is asked to retry (core.busy)."""

from django.core.cache import cache

from tests.markets.pages.conftest import compiled_catalogues, demo, seeded  # noqa: F401 (fixtures)

KEY = "busy:replay:127.0.0.1"


def _occupy(places: int) -> None:
    cache.add(KEY, 0, 60)
    for _ in range(places):
        cache.incr(KEY)


def test_a_third_replayed_hour_at_once_is_a_429_asking_to_retry(client, seeded, settings):
    settings.REPLAY_CONCURRENCY_PER_CLIENT = 2
    _occupy(2)  # two hours of this client still being computed

    response = client.get("/tokens/TAO/?at=2026-02-05T14:00Z")

    assert response.status_code == 429 and response["Retry-After"] == "1"
    assert "Too many replayed hours at once" in response.content.decode()
    assert cache.get(KEY) == 2  # the refused request gave its place back


def test_the_replay_is_served_while_the_client_is_under_its_limit(client, seeded, settings):
    settings.REPLAY_CONCURRENCY_PER_CLIENT = 2
    _occupy(1)
    assert client.get("/?at=2026-02-05T14:00Z").status_code == 200
    assert client.get("/lists/ai/?at=2026-02-05T14:00Z").status_code == 200
    assert cache.get(KEY) == 1


def test_the_present_is_never_limited(client, seeded, settings):
    settings.REPLAY_CONCURRENCY_PER_CLIENT = 0
    assert client.get("/tokens/TAO/").status_code == 200
    assert client.get("/tokens/TAO/?at=2026-02-05T14:00Z").status_code == 429


def test_the_french_page_says_so_in_french(client, seeded, settings):
    settings.REPLAY_CONCURRENCY_PER_CLIENT = 0
    response = client.get("/?at=2026-02-05T14:00Z", headers={"accept-language": "fr"})
    assert response.status_code == 429
    assert "Trop d\u2019heures rejouées à la fois" in response.content.decode()


def test_the_api_replays_under_the_same_limit_with_a_json_429(client, seeded, settings):
    settings.REPLAY_CONCURRENCY_PER_CLIENT = 2
    _occupy(2)
    for path in ("/api/v1/tokens/?at=2026-02-05T14:00Z", "/api/v1/lists/ai/?at=2026-02-05T14:00Z"):
        response = client.get(path)
        assert response.status_code == 429 and response["Retry-After"] == "1"
        assert response.json()["detail"].startswith("Too many replayed hours at once")
    assert cache.get(KEY) == 2
    assert client.get("/api/v1/tokens/TAO/").status_code == 200  # the present is not limited
