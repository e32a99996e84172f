"""Removing a bad snapshot (a mistyped date or price in an import) and what derives from it.

The snapshot admin is read-only: snapshots feed the hourly and daily closes, the day
summaries and the metrics, which a plain row deletion would leave stale.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from markets.models import PriceDayCloses, PriceHourly, Snapshot
from markets.services.hourly import price_hourly_refresh
from markets.services.locks import market_data_lease
from markets.services.metrics import metrics_recompute


def snapshots_delete(*, token_id: int, at: datetime) -> int:
    """Delete the token's snapshots (of every source) at instant ``at``, rebuild the closes of
    that hour and day from the snapshots left, and recompute its metrics (and its lists').
    Returns how many snapshots were deleted; nothing else changes when there were none.
    The day summaries follow by themselves (a trigger drops those of a changed day)."""
    hour = at.replace(minute=0, second=0, microsecond=0)
    with market_data_lease(purpose="snapshot removal"), transaction.atomic():
        deleted, _ = Snapshot.objects.filter(token_id=token_id, ts=at).delete()
        if not deleted:
            return 0
        PriceHourly.objects.filter(token_id=token_id, hour=hour).delete()
        # A day left without any close would otherwise keep its packed row.
        PriceDayCloses.objects.filter(token_id=token_id, day=hour.date()).delete()
        stamp = int(hour.timestamp())
        price_hourly_refresh(token_ids=[token_id], since=stamp, until=stamp)
        metrics_recompute(token_ids=[token_id])
    return deleted
