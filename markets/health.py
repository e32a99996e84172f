"""Liveness and freshness checks behind GET /healthz.

Each check catches everything and reports ``{"ok": bool, "error": str | None}`` so the
endpoint itself never fails: it answers 503 with the reason instead.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from core.health import Memo, health_cache, health_static
from markets.clock import FUTURE_TOLERANCE, demo_mode
from markets.models import RefreshRun, Snapshot, Token

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0
BROKER_CHECK_SECONDS = 5.0  # a broker check opens a connection: not on every poll
MAX_ERROR_LENGTH = 200


def _describe(exc: BaseException) -> str:
    # /healthz is public: name the failure, not the hosts and ports inside its message.
    return type(exc).__name__[:MAX_ERROR_LENGTH]


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def health_database(using: str = DEFAULT_DB_ALIAS) -> dict:
    """Run a trivial query on the database."""
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        error = _describe(exc)
        logger.warning("Health check: database unavailable: %s", exc)
        return {"ok": False, "error": error}
    return {"ok": True, "error": None}


def health_broker(timeout: float = BROKER_TIMEOUT_SECONDS) -> dict:
    """Open (and close) a connection to the Celery broker, giving up after about ``timeout``."""
    try:
        with current_app.connection_for_write(connect_timeout=timeout) as conn:
            conn.ensure_connection(
                max_retries=1,
                interval_start=0,
                interval_step=0.2,
                interval_max=0.2,
                timeout=timeout,
            )
    except Exception as exc:
        error = _describe(exc)
        logger.warning("Health check: broker unavailable: %s", exc)
        return {"ok": False, "error": error}
    return {"ok": True, "error": None}


broker_memo = Memo(BROKER_CHECK_SECONDS)


def last_successful_refresh() -> RefreshRun | None:
    """The latest finished refresh run that stored quotes (status ok or partial)."""
    return (
        RefreshRun.objects.filter(
            kind=RefreshRun.Kind.REFRESH,
            status__in=[RefreshRun.Status.OK, RefreshRun.Status.PARTIAL],
            finished_at__isnull=False,
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def latest_snapshot_at() -> datetime | None:
    """Time of the newest snapshot of any token.

    One index probe per token on (token, ts, source) instead of a scan of the whole table.
    A snapshot dated later than tomorrow (a mistyped year in an import) is not "newest": it
    would report a dead refresh as fresh for decades.
    """
    limit = timezone.now() + FUTURE_TOLERANCE
    newest_of_token = (
        Snapshot.objects.filter(token=OuterRef("pk"), ts__lte=limit).order_by("-ts").values("ts")
    )[:1]
    return (
        Token.objects.annotate(newest=Subquery(newest_of_token))
        .filter(newest__isnull=False)
        .order_by(F("newest").desc())
        .values_list("newest", flat=True)
        .first()
    )


def _demo_updated_at() -> datetime | None:
    """When the demo data were last written: the latest successful refresh or seed."""
    return (
        RefreshRun.objects.filter(
            kind__in=[RefreshRun.Kind.REFRESH, RefreshRun.Kind.SEED],
            status__in=[RefreshRun.Status.OK, RefreshRun.Status.PARTIAL],
            finished_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def health_report() -> dict:
    """Everything /healthz shows; ``status`` is "ok" only when nothing is wrong."""
    database = health_database()
    broker = broker_memo(health_broker)
    static = health_static()
    last_refresh = {"at": None, "provider": None, "status": None}
    newest = updated = None
    if database["ok"]:
        try:
            run = last_successful_refresh()
            if run is not None:
                last_refresh = {
                    "at": _iso(run.finished_at),
                    "provider": run.provider,
                    "status": run.status,
                }
            newest = updated = latest_snapshot_at()
            if newest is not None and demo_mode():
                # Demo data live in February 2026: judged by their last update (clock.py).
                updated = _demo_updated_at()
        except Exception as exc:
            logger.warning("Health check: reading freshness failed", exc_info=True)
            database = {"ok": False, "error": _describe(exc)}

    stale_after = int(settings.STALE_AFTER_SECONDS)
    stale = updated is None or updated < timezone.now() - timedelta(seconds=stale_after)
    healthy = database["ok"] and broker["ok"] and static["ok"] and not stale
    return {
        "status": "ok" if healthy else "unhealthy",
        "database": database,
        "broker": broker,
        # Pages work without the cache (slower): reported, not a failure.
        "cache": health_cache(),
        "static": static,
        "last_refresh": last_refresh,
        "latest_snapshot_at": _iso(newest),
        "stale": stale,
        "stale_after_seconds": stale_after,
    }
