"""Thin Celery tasks: take symbols or ids, call one service, retry only transient errors."""

from __future__ import annotations

import logging

from celery import shared_task

from markets.providers.base import TransientProviderError
from markets.services.locks import LeaseBusy

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (TransientProviderError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


# The periodic refresh itself is not retried: its batches are, each alone, and the next
# scheduled run is the real retry of anything else.
@shared_task(bind=True)
def refresh_prices(self) -> dict:
    """Fan a refresh out: one task per provider batch, then ``refresh_finish`` (a chord)."""
    from celery import chord, group

    from markets.providers import provider_get
    from markets.services.fanout import refresh_fanout_abort, refresh_fanout_start

    provider = provider_get()
    name = provider.name
    if close := getattr(provider, "close", None):
        close()
    plan = refresh_fanout_start(provider_name=name)
    if plan.owner is None:
        return {"run": plan.run.pk, "status": str(plan.run.status), "batches": 0}
    # Batches follow this task onto its queue (a test worker's private one, say).
    queue = (self.request.delivery_info or {}).get("routing_key")
    options = {"queue": queue} if queue and not self.request.is_eager else {}
    finish = refresh_finish.s(plan.run.pk, plan.owner).set(**options)
    try:
        if plan.batches:
            batches = (refresh_batch.si(ids, plan.owner).set(**options) for ids in plan.batches)
            chord(group(batches), finish)()
        else:
            finish.apply_async(([],))
    except Exception as exc:  # nothing queued: no finishing step will record the run
        refresh_fanout_abort(run_id=plan.run.pk, owner=plan.owner, error=exc)
        raise
    return {"run": plan.run.pk, "status": "running", "batches": len(plan.batches)}


@shared_task(bind=True, ignore_result=False, max_retries=5, acks_late=True)
def refresh_batch(self, token_ids: list[int], owner: str | None = None) -> dict:
    """Fetch and store one provider batch; a transient failure retries this batch alone.
    ``owner`` is the run's lease, kept while its batches work or wait for a retry."""
    from django.conf import settings

    from markets.services.fanout import batch_outcome, refresh_batch_store, refresh_lease_extend

    refresh_lease_extend(owner=owner)
    try:
        return refresh_batch_store(token_ids=token_ids)
    except TransientProviderError as exc:
        if self.request.retries >= self.max_retries:
            return batch_outcome(token_ids=token_ids, error=str(exc))
        delay = min(settings.REFRESH_BATCH_RETRY_SECONDS * 2**self.request.retries, 600)
        refresh_lease_extend(owner=owner, seconds=delay)
        raise self.retry(exc=exc, countdown=delay) from None
    except Exception as exc:  # a crash here must not hold back the other batches' metrics
        logger.exception("refresh batch of %d tokens failed", len(token_ids))
        return batch_outcome(token_ids=token_ids, error=f"{type(exc).__name__}: {exc}")


@shared_task
def refresh_finish(outcomes: list[dict], run_id: int, owner: str) -> dict:
    from markets.services.fanout import refresh_fanout_finish

    run = refresh_fanout_finish(run_id=run_id, owner=owner, outcomes=outcomes)
    return {"run": run.pk, "status": str(run.status), "stored": run.quotes_stored}


# Queued from the admin: a lease kept busy past its wait (a long refresh) is retried too.
@shared_task(**(RETRY | {"autoretry_for": (TransientProviderError, LeaseBusy)}))
def backfill_token(symbol: str, days: int = 90) -> dict:
    from markets.services.refresh import token_backfill

    run = token_backfill(symbol=symbol, days=days)
    return {"run": run.pk, "status": str(run.status), "stored": run.quotes_stored}


# Under the market-data lease (a refresh's late finish assumes no other writer): busy past
# its wait, the recompute is retried with backoff rather than dropped.
@shared_task(**(RETRY | {"autoretry_for": (LeaseBusy,)}))
def recompute_metrics(token_ids: list[int] | None = None) -> int:
    from markets.services.recompute import metrics_recompute_leased

    return metrics_recompute_leased(token_ids=token_ids)


# Like a queued backfill, a compaction that finds the lease busy past its wait (a refresh or
# an import) is retried with backoff; folding is idempotent, so a retry redoes nothing.
@shared_task(**(RETRY | {"autoretry_for": (LeaseBusy,)}))
def compact_snapshots() -> dict:
    from markets.services.retention import snapshots_compact

    result = snapshots_compact()
    return {"raw_folded": result.raw_folded, "hourly_folded": result.hourly_folded}


# Context data. Like refresh_prices, the periodic runs are not retried (Stooq's daily hit
# limit would only be spent faster): the next scheduled run is the retry.
@shared_task
def refresh_equities() -> dict:
    """Daily equity closes from Stooq (only with MARKET_CONTEXT_LIVE: the demo is offline)."""
    from django.conf import settings

    from markets.services.equities import equities_refresh

    if not settings.MARKET_CONTEXT_LIVE:
        return {"status": "skipped", "reason": "MARKET_CONTEXT_LIVE is off"}
    run = equities_refresh()
    return {"run": run.pk, "status": str(run.status), "stored": run.quotes_stored}


@shared_task(**RETRY)
def backfill_equities(days: int = 365, symbols: list[str] | None = None) -> dict:
    from markets.services.equities import equities_backfill

    run = equities_backfill(days=days, symbols=symbols)
    return {"run": run.pk, "status": str(run.status), "stored": run.quotes_stored}


@shared_task(**RETRY)
def refresh_fear_greed(limit: int = 2) -> dict:
    """The latest daily Fear & Greed values (limit=0: the whole history)."""
    from django.conf import settings

    from markets.services.fear_greed import fear_greed_refresh

    if not settings.MARKET_CONTEXT_LIVE:
        return {"status": "skipped", "reason": "MARKET_CONTEXT_LIVE is off"}
    run = fear_greed_refresh(limit=limit)
    return {"stored": run.stored, "rejected": run.rejected}
