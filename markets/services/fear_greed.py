"""Storing the daily Fear & Greed index: one upsert query per batch of days."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.cache import data_version_bump
from markets.models import FearGreedDaily
from markets.providers.fear_greed import SOURCE, FearGreedPoint, FearGreedProvider

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000  # the whole history (since 2018) is about 3,000 days: three queries


@dataclass(frozen=True)
class FearGreedRun:
    received: int
    stored: int
    rejected: int


def fear_greed_store(*, points: Sequence[FearGreedPoint], source: str = SOURCE) -> int:
    """Insert or update one row per day (``INSERT … ON CONFLICT (day) DO UPDATE``)."""
    now = timezone.now()
    rows = [
        FearGreedDaily(day=p.day, value=p.value, classification=p.classification,
                       source=source, fetched_at=now)
        for p in points
    ]  # fmt: skip
    FearGreedDaily.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["value", "classification", "source", "fetched_at"],
    )
    if rows:  # cached pages show the gauge: serve them afresh
        transaction.on_commit(data_version_bump, robust=True)
    return len(rows)


def fear_greed_refresh(
    *, limit: int = 2, provider: FearGreedProvider | None = None
) -> FearGreedRun:
    """Fetch the latest ``limit`` days (0: the whole history) and store them.

    Raises ProviderError (TransientProviderError for timeouts, 429, 5xx) and stores nothing
    when the answer is unusable.
    """
    used = provider or FearGreedProvider.from_settings()
    try:
        result = used.fetch(limit=limit)
    finally:
        if provider is None:
            used.close()
    stored = fear_greed_store(points=result.points)
    logger.info("fear & greed: %d days stored, %d rejected", stored, result.rejected)
    return FearGreedRun(len(result.points) + result.rejected, stored, result.rejected)
