"""markets announces new metrics; alerts answer by queueing one evaluation."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def metrics_changed_receiver(sender, token_ids=(), list_ids=(), **kwargs) -> None:
    from alerts.tasks import evaluate_alerts

    # Sent after the commit already; on_commit keeps it safe if that ever changes.
    transaction.on_commit(evaluate_alerts.delay, robust=True)


def demo_removed_receiver(sender, token_ids=(), **kwargs) -> None:
    """The demo prices are gone (live prices come next): forget the "before" prices taken
    from them, so no crossing fires between a made-up demo price and the first live one.
    Runs inside the removal's transaction; set-based."""
    from alerts.models import AlertRule, PriceSeen

    ids = list(token_ids)
    if not ids:
        return
    PriceSeen.objects.filter(token_id__in=ids).delete()
    AlertRule.objects.filter(token_id__in=ids).update(baseline_price=None, baseline_as_of=None)
    keys = [str(i) for i in ids]
    AlertRule.objects.filter(baseline__has_any_keys=keys).update(baseline={})
