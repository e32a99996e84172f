"""The Celery tasks run in-process with apply(): thin wrappers that retry transient errors."""

import pytest

from markets.models import RefreshRun, Snapshot
from markets.tasks import backfill_token, recompute_metrics, refresh_prices
from tests.markets import stubs


@pytest.fixture
def flaky(monkeypatch):
    provider = stubs.FlakyProvider(failures=2)
    monkeypatch.setattr("markets.services.refresh.provider_get", lambda: provider)
    return provider


def test_refresh_prices_retries_transient_errors_then_stores(tao, flaky):
    result = refresh_prices.apply().get()
    assert result["status"] == "ok" and result["stored"] == 1
    assert flaky.calls == 3
    assert list(RefreshRun.objects.order_by("pk").values_list("status", flat=True)) == [
        "failed",
        "failed",
        "ok",
    ]
    assert Snapshot.objects.get().price_usd == 42.0


def test_refresh_prices_gives_up_after_its_retry_cap(tao, monkeypatch):
    provider = stubs.FlakyProvider(failures=100)
    monkeypatch.setattr("markets.services.refresh.provider_get", lambda: provider)
    outcome = refresh_prices.apply()
    assert outcome.status == "FAILURE" and "503" in str(outcome.result)
    assert provider.calls == refresh_prices.max_retries + 1


def test_a_non_transient_error_is_not_retried(db):
    from markets.models import Token

    outcome = backfill_token.apply(("NOPE", 2))
    assert outcome.status == "FAILURE" and isinstance(outcome.result, Token.DoesNotExist)
    assert not RefreshRun.objects.exists()


def test_backfill_token_takes_a_symbol(tao, monkeypatch):
    monkeypatch.setattr("markets.services.refresh.provider_get", stubs.StubProvider)
    result = backfill_token.apply(("TAO", 1)).get()
    assert result["status"] == "ok" and result["stored"] >= 23


def test_recompute_metrics_takes_token_ids(tao):
    from markets.models import TokenMetrics
    from markets.services.ingest import snapshot_ingest

    snapshot_ingest(quotes=[stubs.Quote(tao.id, stubs.STUB_TS, 5.0)], source="t")
    assert recompute_metrics.apply(([tao.id],)).get() == 1
    assert TokenMetrics.objects.get().price_usd == 5.0


def test_the_beat_schedule_runs_refresh_prices_at_the_configured_interval(settings):
    from aicrash_site.celery import app

    entry = app.conf.beat_schedule["refresh-prices"]
    assert entry["task"] == refresh_prices.name
    assert entry["schedule"] == float(settings.REFRESH_INTERVAL_SECONDS)
