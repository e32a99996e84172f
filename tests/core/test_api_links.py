"""Links in API answers (``url``, ``next``, ``previous``…) name resources: they never carry
the ``?format=`` the client chose for this answer."""

from __future__ import annotations

import pytest

from tests.markets.api.conftest import HOUR, T, ai_list, store  # noqa: F401 (a fixture)
from watchlists.models import Watchlist

pytestmark = pytest.mark.django_db


def links(value) -> list[str]:
    """Every string of the answer that looks like a link."""
    if isinstance(value, dict):
        return [link for item in value.values() for link in links(item)]
    if isinstance(value, list):
        return [link for item in value for link in links(item)]
    return [value] if isinstance(value, str) and value.startswith("http") else []


def test_token_list_links_do_not_carry_the_format(api_client, ai_list):  # noqa: F811
    body = api_client.get("/api/v1/tokens/", {"format": "json", "page_size": 1, "page": 2}).json()

    assert body["next"] == "http://testserver/api/v1/tokens/?page=3&page_size=1"
    assert body["previous"] == "http://testserver/api/v1/tokens/?page_size=1"
    assert body["results"][0]["url"].endswith("/api/v1/tokens/NEAR/")


def test_token_and_list_detail_links_do_not_carry_the_format(api_client, ai_list):  # noqa: F811
    token = api_client.get("/api/v1/tokens/TAO/", {"format": "json"}).json()
    token_list = api_client.get("/api/v1/lists/ai/", {"format": "json"}).json()
    lists = api_client.get("/api/v1/lists/", {"format": "json"}).json()

    found = links(token) + links(token_list) + links(lists)
    assert found
    assert [link for link in found if "format" in link] == []


def test_snapshot_cursor_links_do_not_carry_the_format(api_client, tao):
    store(tao, [(T + n * HOUR, 100.0 + n, None, None) for n in range(3)])

    body = api_client.get(
        "/api/v1/tokens/TAO/snapshots/",
        {"since": "2026-02-06", "until": "2026-02-07", "page_size": 1, "format": "json"},
    ).json()
    follow = api_client.get(body["next"]).json()

    assert "format" not in body["next"]
    assert "format" not in follow["previous"] and "format" not in follow["next"]
    assert follow["results"][0]["price_usd"] == 101.0


def test_watchlist_links_do_not_carry_the_format(api_client, alice):
    api_client.force_authenticate(alice)
    Watchlist.objects.create(owner=alice, name="Mine")

    body = api_client.get("/api/v1/watchlists/", {"format": "json"}).json()

    assert links(body)
    assert [link for link in links(body) if "format" in link] == []
