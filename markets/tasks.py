"""Thin Celery tasks: take symbols or ids, call one service, retry only transient errors."""

from __future__ import annotations

from celery import shared_task

from markets.providers.base import TransientProviderError

RETRY = {
    "autoretry_for": (TransientProviderError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


# The periodic refresh retries briefly: its next scheduled run is the real retry, and
# retry chains piling up on the schedule would hammer a provider that is rate-limiting us.
REFRESH_RETRY = {**RETRY, "retry_backoff_max": 120, "max_retries": 2}


@shared_task(**REFRESH_RETRY)
def refresh_prices() -> dict:
    from markets.services.refresh import prices_refresh

    run = prices_refresh()
    return {"run": run.pk, "status": str(run.status), "stored": run.quotes_stored}


@shared_task(**RETRY)
def backfill_token(symbol: str, days: int = 90) -> dict:
    from markets.services.refresh import token_backfill

    run = token_backfill(symbol=symbol, days=days)
    return {"run": run.pk, "status": str(run.status), "stored": run.quotes_stored}


@shared_task
def recompute_metrics(token_ids: list[int] | None = None) -> int:
    from markets.services.metrics import metrics_recompute

    return metrics_recompute(token_ids=token_ids)
