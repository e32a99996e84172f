"""markets announces new metrics; alerts answer by queueing one evaluation."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def metrics_changed_receiver(sender, token_ids=(), list_ids=(), **kwargs) -> None:
    from alerts.tasks import evaluate_alerts

    # Sent after the commit already; on_commit keeps it safe if that ever changes.
    transaction.on_commit(evaluate_alerts.delay, robust=True)
