"""Fetch quotes from the configured provider, store them, and record each run."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from markets.clock import market_now
from markets.models import RefreshRun, Token
from markets.providers import provider_get
from markets.providers.base import PriceProvider, ProviderError, TokenRef, TransientProviderError
from markets.services.ingest import provider_aths_store, snapshot_ingest
from markets.services.locks import MARKET_DATA_LOCK, lock_kept, market_data_lease
from markets.services.metrics import derived_refresh
from markets.symbols import symbol_lookup_key

logger = logging.getLogger(__name__)

REFRESH_LOCK = MARKET_DATA_LOCK  # shared with backfills and imports
CRYPTO = Token.AssetClass.CRYPTO  # price providers quote crypto; equities come from Stooq


def token_refs(queryset) -> list[TokenRef]:
    """What a provider needs of each token of ``queryset``."""
    fields = ("pk", "symbol", "coingecko_id", "stooq_symbol")
    return [TokenRef(*row) for row in queryset.values_list(*fields)]


def run_finish(run: RefreshRun, *, status: str, error: str = "") -> RefreshRun:
    """Record a run's end: its status, its error (cut to 2,000 characters), when."""
    run.status, run.error, run.finished_at = status, error[:2000], timezone.now()
    run.save(
        update_fields=[
            "status", "error", "finished_at", "quotes_stored", "quotes_rejected",
            "tokens_requested",
        ]
    )  # fmt: skip
    return run


def run_record_finished(*, provider: str, kind: str, tokens: int, stored: int) -> RefreshRun:
    """Record a run that completed in one go (an import or a demo seed)."""
    now = timezone.now()
    return RefreshRun.objects.create(
        provider=provider, kind=kind, status=RefreshRun.Status.OK, started_at=now,
        finished_at=now, tokens_requested=tokens, quotes_stored=stored,
    )  # fmt: skip


def run_status(*, errors: list[str], got_quotes: bool) -> str:
    """OK without errors, PARTIAL when some quotes came despite them, else FAILED."""
    if not errors:
        return RefreshRun.Status.OK
    return RefreshRun.Status.PARTIAL if got_quotes else RefreshRun.Status.FAILED


def run_finish_from(run: RefreshRun, result) -> str:
    """Finish a run from its provider result (see run_status); returns the status."""
    status = run_status(errors=result.errors, got_quotes=bool(result.quotes))
    run_finish(run, status=status, error="; ".join(result.errors))
    return status


def runs_abandoned_close(*, current: RefreshRun) -> int:
    """Record as failed the runs still "running" that began before ``current``, which has
    just taken the market-data lease: they would hold it if they were alive, so their worker
    died (killed mid-batch, say) and their lease expired. Only runs older than one lease:
    a run records itself before it asks for the lease, so a younger one may be a refresh
    racing ``current`` for it, or batches still queued. A run that still ends later records
    its real end over this."""
    lease_ago = timezone.now() - timedelta(seconds=settings.REFRESH_LOCK_SECONDS)
    return (
        RefreshRun.objects.filter(
            status=RefreshRun.Status.RUNNING,
            kind__in=[RefreshRun.Kind.REFRESH, RefreshRun.Kind.BACKFILL],
            started_at__lte=min(current.started_at, lease_ago),
        )
        .exclude(pk=current.pk)
        .update(
            status=RefreshRun.Status.FAILED,
            finished_at=timezone.now(),
            error="did not finish: its worker stopped before the end and its lease expired",
        )
    )


@contextmanager
def run_failed_on_error(run: RefreshRun) -> Iterator[None]:
    """A run whose storing step crashed is recorded as failed, never left "running"."""
    try:
        yield
    except Exception as exc:
        run_finish(run, status=RefreshRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise


@contextmanager
def provider_used(provider: PriceProvider | None) -> Iterator[PriceProvider]:
    """The given provider, or the configured one, closed after use if we built it."""
    if provider is not None:
        yield provider
        return
    built = provider_get()
    try:
        yield built
    finally:
        if close := getattr(built, "close", None):
            close()


def prices_refresh(*, provider: PriceProvider | None = None, recompute: bool = True) -> RefreshRun:
    """One refresh of every active token; a second one while the first runs is skipped.

    Good quotes of a partly failed refresh are kept. When nothing at all could be fetched
    because of a transient error, that error is raised (after recording the run) so the
    Celery task retries it.
    """
    with provider_used(provider) as used:
        return _refresh_once(used, recompute=recompute)


def _refresh_once(provider: PriceProvider, *, recompute: bool) -> RefreshRun:
    run = RefreshRun.objects.create(
        provider=provider.name, kind=RefreshRun.Kind.REFRESH, started_at=timezone.now()
    )
    with lock_kept(name=REFRESH_LOCK, ttl_seconds=settings.REFRESH_LOCK_SECONDS) as acquired:
        if not acquired:
            logger.info("refresh skipped: another refresh is running")
            return run_finish(
                run, status=RefreshRun.Status.SKIPPED, error="another refresh was running"
            )
        runs_abandoned_close(current=run)
        return _refresh_locked(run, provider, recompute=recompute)


def _refresh_locked(run: RefreshRun, provider: PriceProvider, *, recompute: bool) -> RefreshRun:
    tokens = token_refs(Token.objects.filter(is_active=True, asset_class=CRYPTO))
    run.tokens_requested = len(tokens)
    started = time.monotonic()
    try:
        result = provider.fetch_latest(tokens)
    except ProviderError as exc:
        run_finish(run, status=RefreshRun.Status.FAILED, error=str(exc))
        raise
    with run_failed_on_error(run):
        ingested = snapshot_ingest(quotes=result.quotes, source=provider.name)
        provider_aths_store(aths=result.aths)
        run.quotes_stored = ingested.stored
        run.quotes_rejected = result.rejected + ingested.rejected
        if recompute:
            derived_refresh(ingested=ingested, summarise=True)
    status = run_finish_from(run, result)
    logger.info(
        "refresh %s: %s, %d stored, %d rejected in %.2fs",
        provider.name, status, run.quotes_stored, run.quotes_rejected,
        time.monotonic() - started,
    )  # fmt: skip
    if status == RefreshRun.Status.FAILED and result.transient:
        raise TransientProviderError(run.error)
    return run


def token_backfill(*, symbol: str, days: int, provider: PriceProvider | None = None) -> RefreshRun:
    """Fetch ``days`` of history for one token, store it and recompute its metrics."""
    if days < 1 or days > 3650:
        raise ValueError("days must be between 1 and 3650")
    token = Token.objects.get(symbol=symbol_lookup_key(symbol))
    if token.asset_class != CRYPTO:
        raise ValueError(
            f"{token.symbol} is an equity: use refresh_equities --backfill {token.symbol}"
        )
    with provider_used(provider) as used, market_data_lease(purpose=f"backfill {symbol}"):
        return _backfill_once(token, days, used)


def _backfill_once(token: Token, days: int, provider: PriceProvider) -> RefreshRun:
    now = timezone.now()
    run = RefreshRun.objects.create(
        provider=provider.name, kind=RefreshRun.Kind.BACKFILL, started_at=now, tokens_requested=1
    )
    end = int(market_now().timestamp())  # demo history ends at the demo clock, not today
    try:
        result = provider.fetch_history(token_refs(Token.objects.filter(pk=token.pk))[0],
                                        start=end - days * 86_400, end=end)  # fmt: skip
    except ProviderError as exc:
        run_finish(run, status=RefreshRun.Status.FAILED, error=f"{token.symbol}: {exc}")
        raise
    with run_failed_on_error(run):
        ingested = snapshot_ingest(quotes=result.quotes, source=provider.name)
        run.quotes_stored = ingested.stored
        run.quotes_rejected = result.rejected + ingested.rejected
        derived_refresh(ingested=ingested)
    status = RefreshRun.Status.PARTIAL if result.errors else RefreshRun.Status.OK
    return run_finish(run, status=status, error="; ".join(result.errors))
