"""markets announces recomputed metrics with a signal, once the rows are committed."""

from __future__ import annotations

import pytest

from markets.models import TokenListMembership
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from markets.signals import metrics_changed
from tests.factories import TokenFactory, TokenListFactory

pytestmark = pytest.mark.django_db


def test_it_sends_metrics_changed_with_the_tokens_and_lists_after_the_commit(
    django_capture_on_commit_callbacks,
):
    tao = TokenFactory(symbol="TAO")
    ai = TokenListFactory(slug="ai")
    TokenListMembership.objects.create(token_list=ai, token=tao, position=0)
    snapshot_ingest(quotes=[Quote(tao.pk, 1_770_379_200, 164.0, 2e9, 1e8)], source="test")
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    metrics_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            metrics_recompute(token_ids=[tao.pk])
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        metrics_changed.disconnect(receiver)

    assert received == [{"signal": metrics_changed, "token_ids": [tao.pk], "list_ids": [ai.pk]}]
