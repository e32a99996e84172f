"""Metrics recomputes started on their own (a queued task, the admin, a command), under the
market-data lease: the refresh's late finish assumes no other writer while it holds it.

The refresh, backfill and import recompute inside their own lease and call
``metrics_recompute`` directly: taking the lease again there would wait on themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from markets.services.locks import LeaseBusy, market_data_lease
from markets.services.metrics import metrics_recompute

# The admin answers a request: it waits this long for a refresh's lease, then queues the task.
ADMIN_WAIT_SECONDS = 2.0


class RecomputeNotQueued(Exception):
    """The lease was busy and the task could not be queued (the broker); see __cause__."""


def metrics_recompute_leased(
    *, token_ids: Iterable[int] | None = None, wait_seconds: float | None = None
) -> int:
    """``metrics_recompute`` under the market-data lease, waiting up to ``wait_seconds``
    (default MARKET_DATA_LEASE_WAIT_SECONDS) for it; LeaseBusy past that."""
    wait = settings.MARKET_DATA_LEASE_WAIT_SECONDS if wait_seconds is None else wait_seconds
    with market_data_lease(purpose="metrics recompute", wait_seconds=wait):
        return metrics_recompute(token_ids=token_ids)


def metrics_recompute_or_queue(*, token_ids: list[int]) -> bool:
    """Recompute now if the lease frees up within ADMIN_WAIT_SECONDS (True), else queue the
    task, which waits and retries with backoff (False); RecomputeNotQueued when the broker
    refuses the task."""
    from markets.tasks import recompute_metrics

    wait = min(ADMIN_WAIT_SECONDS, settings.MARKET_DATA_LEASE_WAIT_SECONDS)
    try:
        metrics_recompute_leased(token_ids=token_ids, wait_seconds=wait)
    except LeaseBusy:
        try:
            recompute_metrics.delay(token_ids)
        except Exception as exc:  # kombu's errors vary with the transport
            raise RecomputeNotQueued(str(exc)) from exc
        return False
    return True
