"""A refresh spread over many workers: one task per provider batch, then one metrics step.

``refresh_fanout_start`` takes the market-data lease and splits the active tokens into
batches; each batch is fetched and stored on its own (``refresh_batch_store``), retried
alone when it fails transiently; ``refresh_fanout_finish`` runs once every batch is stored,
recomputes what changed, records the run and releases the lease.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from markets.models import RefreshRun, Token
from markets.providers.base import PriceProvider, ProviderError, TransientProviderError
from markets.services.ingest import IngestResult, provider_aths_store, snapshot_ingest
from markets.services.locks import MARKET_DATA_LOCK, lock_acquire, lock_extend, lock_release
from markets.services.metrics import derived_refresh
from markets.services.refresh import (
    provider_used,
    run_failed_on_error,
    run_finish,
    run_status,
    runs_abandoned_close,
    token_refs,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FanoutPlan:
    run: RefreshRun
    owner: str | None  # the lease, None when the refresh was skipped
    batches: list[list[int]]


def refresh_fanout_start(*, provider_name: str) -> FanoutPlan:
    """Record the run, take the lease (or record a skip) and cut the token ids into batches."""
    run = RefreshRun.objects.create(
        provider=provider_name, kind=RefreshRun.Kind.REFRESH, started_at=timezone.now()
    )
    owner = lock_acquire(name=MARKET_DATA_LOCK, ttl_seconds=settings.REFRESH_LOCK_SECONDS)
    if owner is None:
        logger.info("refresh skipped: another refresh, backfill or import is running")
        run_finish(run, status=RefreshRun.Status.SKIPPED, error="another refresh was running")
        return FanoutPlan(run, None, [])
    runs_abandoned_close(current=run)
    crypto = Token.objects.filter(is_active=True, asset_class=Token.AssetClass.CRYPTO)
    ids = list(crypto.order_by("pk").values_list("pk", flat=True))
    run.tokens_requested = len(ids)
    run.save(update_fields=["tokens_requested"])
    size = settings.REFRESH_BATCH_SIZE
    return FanoutPlan(run, owner, [ids[i : i + size] for i in range(0, len(ids), size)])


def refresh_lease_extend(*, owner: str | None, seconds: float = 0) -> bool:
    """Keep the run's lease for a batch about to work, or waiting ``seconds`` for its retry,
    plus one ``REFRESH_LOCK_SECONDS``: the batches of one run may together outlast a single
    lease (retries wait up to 930 s), and the next refresh must not start meanwhile. A worker
    that dies stops extending it, so the lease still expires."""
    if owner is None:
        return False
    ttl = settings.REFRESH_LOCK_SECONDS
    if not lock_extend(name=MARKET_DATA_LOCK, owner=owner, seconds=seconds + ttl):
        logger.warning("refresh: the market-data lease expired while this run's batches ran")
        return False
    return True


def _finish_lease(*, owner: str | None) -> str | None:
    """The lease for the metrics step: the run's own, or when it was lost (a killed worker's
    batch redelivered after the lease expired) a fresh one if nobody holds it now; None while
    another run holds it."""
    if refresh_lease_extend(owner=owner):
        return owner
    return lock_acquire(name=MARKET_DATA_LOCK, ttl_seconds=settings.REFRESH_LOCK_SECONDS)


def batch_outcome(*, token_ids: list[int], error: str = "", ingested=None, result=None) -> dict:
    """What one batch reports to the finishing step (JSON: it travels through the backend)."""
    return {
        "requested": len(token_ids),
        "quotes": len(result.quotes) if result else 0,
        "stored": ingested.stored if ingested else 0,
        "rejected": (result.rejected if result else 0) + (ingested.rejected if ingested else 0),
        "errors": ([error] if error else []) + (list(result.errors) if result else []),
        "token_ids": sorted(ingested.token_ids) if ingested else [],
        "ts_min": ingested.ts_min if ingested else None,
        "ts_max": ingested.ts_max if ingested else None,
    }


def refresh_batch_store(*, token_ids: list[int], provider: PriceProvider | None = None) -> dict:
    """Fetch and store one batch (no metrics yet). Raises TransientProviderError when nothing
    came back for a transient reason, so that this batch alone is retried."""
    with provider_used(provider) as used:
        tokens = token_refs(Token.objects.filter(pk__in=token_ids, is_active=True))
        try:
            result = used.fetch_latest(tokens)
        except TransientProviderError:
            raise
        except ProviderError as exc:
            return batch_outcome(token_ids=token_ids, error=str(exc))
    if result.transient and not result.quotes:
        raise TransientProviderError("; ".join(result.errors) or "transient provider error")
    ingested = snapshot_ingest(quotes=result.quotes, source=used.name)
    provider_aths_store(aths=result.aths)
    return batch_outcome(token_ids=token_ids, ingested=ingested, result=result)


def refresh_fanout_finish(*, run_id: int, owner: str | None, outcomes: list[dict]) -> RefreshRun:
    """Once every batch is stored: hourly closes and metrics of what changed, the run's
    record, and the lease released (even when this step fails). A late finish whose lease
    another run now holds stores nothing more and leaves the metrics to that run, saying so."""
    run = RefreshRun.objects.get(pk=run_id)
    lease = _finish_lease(owner=owner)  # a full lease for the metrics step
    try:
        token_ids = frozenset(t for o in outcomes for t in o["token_ids"])
        spans = [(o["ts_min"], o["ts_max"]) for o in outcomes if o["ts_min"] is not None]
        run.quotes_stored = sum(o["stored"] for o in outcomes)
        run.quotes_rejected = sum(o["rejected"] for o in outcomes)
        errors = [e for o in outcomes for e in o["errors"]]
        if token_ids and lease is None:
            # Recomputing beside the run that holds the lease could interleave two writers
            # of the same metrics; that run (or the next refresh) recomputes them anyway.
            logger.warning("refresh %s: finished late, metrics left to the next refresh", run.pk)
            errors.append(
                "metrics not recomputed: this run finished after its lease was lost and "
                "another refresh, backfill or import held it; the next refresh recomputes them"
            )
        with run_failed_on_error(run):
            if token_ids and lease is not None:
                ingested = IngestResult(
                    sum(o["quotes"] for o in outcomes), run.quotes_stored, run.quotes_rejected,
                    token_ids, min(s for s, _ in spans), max(e for _, e in spans),
                )  # fmt: skip
                derived_refresh(ingested=ingested, summarise=True)
        status = run_status(errors=errors, got_quotes=any(o["quotes"] for o in outcomes))
        return run_finish(run, status=status, error="; ".join(errors))
    finally:
        if lease:
            lock_release(name=MARKET_DATA_LOCK, owner=lease)


def refresh_fanout_abort(*, run_id: int, owner: str, error: Exception) -> RefreshRun:
    """The batches could not be queued (no result backend, the broker gone): record the run
    as failed and free the lease at once, since no finishing step will."""
    run = RefreshRun.objects.get(pk=run_id)
    try:
        if run.status != RefreshRun.Status.RUNNING:  # eager mode: the finishing step ran
            return run
        message = f"could not queue the refresh batches: {type(error).__name__}: {error}"
        return run_finish(run, status=RefreshRun.Status.FAILED, error=message)
    finally:
        lock_release(name=MARKET_DATA_LOCK, owner=owner)
