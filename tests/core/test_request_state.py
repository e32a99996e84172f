"""Test isolation: a streamed answer a test leaves unread must not leak into the next test."""

from core import cache as core_cache
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest


def test_a_streamed_answer_left_unread_keeps_its_request_open(client, tao):
    snapshot_ingest(quotes=[Quote(tao.id, 1_770_000_000, 9.0)], source="csv")
    response = client.get("/api/v1/tokens/TAO/snapshots/?format=csv")
    assert response.streaming  # never read: request_finished is never sent
    assert core_cache._in_request.active


def test_the_next_test_starts_outside_any_request():
    assert not getattr(core_cache._in_request, "active", False)
