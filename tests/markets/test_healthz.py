from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError, connections
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerError

from markets import health
from markets.models import RefreshRun, Snapshot

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
URL = reverse("healthz")
# Kept before the autouse fixture below replaces it, so the check itself can be tested.
real_health_broker = health.health_broker


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def live_provider(settings):
    """Live data are judged by their own time (demo data: tests/markets/test_demo_clock.py)."""
    settings.PRICE_PROVIDER = "coingecko"


@pytest.fixture(autouse=True)
def broker_ok():
    """No test opens a real broker connection; the broker tests below patch it differently."""
    with mock.patch.object(health, "health_broker", return_value={"ok": True, "error": None}):
        yield


@pytest.fixture
def stale_after(settings):
    settings.STALE_AFTER_SECONDS = 900
    return 900


def snapshot(token, age: timedelta, source: str = "demo") -> Snapshot:
    return Snapshot.objects.create(token=token, ts=NOW - age, source=source, price_usd=1.0)


def refresh_run(status, finished_at, provider="coingecko", kind=RefreshRun.Kind.REFRESH):
    return RefreshRun.objects.create(
        provider=provider,
        kind=kind,
        status=status,
        started_at=finished_at - timedelta(seconds=5),
        finished_at=finished_at,
    )


def test_fresh_data_with_database_and_broker_up_is_healthy(client, tao, btc, stale_after):
    snapshot(btc, timedelta(hours=2))
    snapshot(tao, timedelta(minutes=5))
    refresh_run(RefreshRun.Status.OK, NOW - timedelta(minutes=4))

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True, "error": None},
        "broker": {"ok": True, "error": None},
        "cache": {"ok": True, "error": None},
        "static": {"ok": True, "error": None},
        "last_refresh": {
            "at": "2026-02-20T11:56:00Z",
            "provider": "coingecko",
            "status": "ok",
        },
        "latest_snapshot_at": "2026-02-20T11:55:00Z",
        "stale": False,
        "stale_after_seconds": 900,
    }


def test_healthz_is_never_cached(client, tao, stale_after):
    snapshot(tao, timedelta(minutes=1))

    response = client.get(URL)

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_healthz_refuses_post(client):
    assert client.post(URL).status_code == 405


def test_data_older_than_the_stale_limit_is_unhealthy(client, tao, stale_after):
    snapshot(tao, timedelta(seconds=stale_after + 1))

    response = client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["stale"] is True
    assert body["latest_snapshot_at"] == "2026-02-20T11:44:59Z"
    assert body["database"]["ok"] is True


def test_data_exactly_at_the_stale_limit_is_still_fresh(client, tao, stale_after):
    snapshot(tao, timedelta(seconds=stale_after))

    assert client.get(URL).status_code == 200


def test_a_snapshot_mistakenly_dated_2099_does_not_make_stale_data_fresh(
    client, tao, btc, stale_after
):
    # It reported the 2099 row as the latest snapshot and the dead refresh as healthy.
    snapshot(tao, timedelta(hours=2))
    Snapshot.objects.create(
        token=btc, ts=datetime(2099, 1, 1, tzinfo=UTC), source="import", price_usd=1.0
    )

    response = client.get(URL)

    assert response.status_code == 503
    assert response.json()["stale"] is True
    assert response.json()["latest_snapshot_at"] == "2026-02-20T10:00:00Z"


def test_no_snapshots_at_all_is_stale(client, tao, stale_after):
    response = client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["stale"] is True
    assert body["latest_snapshot_at"] is None
    assert body["last_refresh"] == {"at": None, "provider": None, "status": None}


def test_a_broken_broker_is_unhealthy(client, tao, stale_after):
    snapshot(tao, timedelta(minutes=1))
    down = {"ok": False, "error": "OperationalError"}

    with mock.patch.object(health, "health_broker", return_value=down):
        response = client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == down
    assert body["stale"] is False
    assert body["status"] == "unhealthy"


def test_health_broker_reports_a_connection_error_instead_of_raising():
    from aicrash_site.celery import app

    with mock.patch.object(
        app, "connection_for_write", side_effect=BrokerError("Connection refused")
    ):
        result = real_health_broker()

    assert result == {"ok": False, "error": "OperationalError"}


def test_health_broker_reports_a_failed_ensure_connection():
    from aicrash_site.celery import app

    conn = mock.MagicMock()
    conn.__enter__.return_value = conn
    conn.ensure_connection.side_effect = BrokerError("timed out")
    with mock.patch.object(app, "connection_for_write", return_value=conn):
        result = real_health_broker()

    assert result["ok"] is False
    assert result["error"] == "OperationalError"  # no host details leak
    conn.__exit__.assert_called_once()
    assert conn.ensure_connection.call_args.kwargs["timeout"] <= 2


def test_health_broker_is_ok_when_the_connection_opens():
    from aicrash_site.celery import app

    conn = mock.MagicMock()
    conn.__enter__.return_value = conn
    with mock.patch.object(app, "connection_for_write", return_value=conn):
        result = real_health_broker()

    assert result == {"ok": True, "error": None}
    conn.ensure_connection.assert_called_once()


def test_a_database_error_is_reported_not_raised():
    with mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("db is gone")
    ):
        result = health.health_database()

    assert result == {"ok": False, "error": "OperationalError"}


def test_a_broken_database_is_unhealthy(client):
    down = {"ok": False, "error": "OperationalError"}

    with mock.patch.object(health, "health_database", return_value=down):
        response = client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == down
    assert body["stale"] is True


def test_last_refresh_reports_the_latest_ok_refresh_and_ignores_failed_ones(
    client, tao, stale_after
):
    snapshot(tao, timedelta(minutes=1))
    refresh_run(RefreshRun.Status.OK, NOW - timedelta(hours=1), provider="demo")
    refresh_run(RefreshRun.Status.PARTIAL, NOW - timedelta(minutes=30))
    refresh_run(RefreshRun.Status.FAILED, NOW - timedelta(minutes=10))
    refresh_run(RefreshRun.Status.SKIPPED, NOW - timedelta(minutes=5))
    refresh_run(RefreshRun.Status.OK, NOW - timedelta(minutes=2), kind=RefreshRun.Kind.BACKFILL)
    RefreshRun.objects.create(provider="demo", started_at=NOW, status=RefreshRun.Status.RUNNING)

    response = client.get(URL)

    assert response.json()["last_refresh"] == {
        "at": "2026-02-20T11:30:00Z",
        "provider": "coingecko",
        "status": "partial",
    }


def test_a_newer_ok_refresh_wins_over_an_older_partial_one(client, tao, stale_after):
    refresh_run(RefreshRun.Status.PARTIAL, NOW - timedelta(minutes=30))
    refresh_run(RefreshRun.Status.OK, NOW - timedelta(minutes=3), provider="demo")

    body = client.get(URL).json()

    assert body["last_refresh"] == {
        "at": "2026-02-20T11:57:00Z",
        "provider": "demo",
        "status": "ok",
    }
