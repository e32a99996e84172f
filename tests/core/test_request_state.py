"""Test isolation: a streamed answer a test leaves unread must not leak into the next test."""

from core import cache as core_cache
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from tests.conftest import request_state_clear


def test_a_streamed_answer_left_unread_stays_in_its_request_until_cleared(client, tao):
    snapshot_ingest(quotes=[Quote(tao.id, 1_770_000_000, 9.0)], source="csv")
    response = client.get("/api/v1/tokens/TAO/snapshots/?format=csv")
    assert response.streaming  # never read: request_finished is never sent
    stale = core_cache.data_version()
    core_cache.cache.delete(core_cache.VERSION_KEY)  # a new version, as after an eviction
    assert core_cache.data_version() == stale  # still the unfinished request's

    request_state_clear()  # what every test's cache fixture does first

    assert not getattr(core_cache._in_request, "active", False)
    assert core_cache.data_version() != stale
