"""The Celery tasks run in-process with apply(): thin wrappers that retry transient errors."""

import pytest

from markets.models import RefreshRun, Snapshot
from markets.tasks import backfill_token, compact_snapshots, recompute_metrics, refresh_prices
from tests.markets import stubs


@pytest.fixture
def flaky(monkeypatch):
    provider = stubs.FlakyProvider(failures=2)
    monkeypatch.setattr("markets.services.refresh.provider_get", lambda: provider)
    return provider


@pytest.fixture
def eager(settings):
    from aicrash_site.celery import app

    app.conf.task_always_eager = True
    settings.REFRESH_BATCH_RETRY_SECONDS = 0
    yield
    app.conf.task_always_eager = False


def test_refresh_prices_retries_a_transiently_failing_batch_then_stores(tao, flaky, eager):
    result = refresh_prices.apply().get()
    assert result["status"] == "running" and result["batches"] == 1
    assert flaky.calls == 3
    run = RefreshRun.objects.get()
    assert (run.status, run.quotes_stored, run.error) == ("ok", 1, "")
    assert Snapshot.objects.get().price_usd == 42.0


def test_a_batch_that_keeps_failing_is_given_up_and_the_run_says_so(tao, monkeypatch, eager):
    from markets.tasks import refresh_batch

    provider = stubs.FlakyProvider(failures=100)
    monkeypatch.setattr("markets.services.refresh.provider_get", lambda: provider)
    refresh_prices.apply()
    assert provider.calls == refresh_batch.max_retries + 1
    run = RefreshRun.objects.get()
    assert run.status == "failed" and "503" in run.error
    from markets.models import JobLock

    assert not JobLock.objects.exists()  # the lease is released


def test_a_failed_batch_is_retried_alone_and_the_others_are_kept(db, monkeypatch, settings, eager):
    from tests.factories import TokenFactory

    settings.REFRESH_BATCH_SIZE = 2
    tokens = [TokenFactory(symbol=f"T{i}") for i in range(6)]
    fetched = []

    class OneBatchFlaky(stubs.StubProvider):
        def fetch_latest(self, refs):
            fetched.append(sorted(t.symbol for t in refs))
            if "T2" in fetched[-1] and fetched.count(fetched[-1]) == 1:
                raise stubs.TransientProviderError("503 once")
            return super().fetch_latest(refs)

    monkeypatch.setattr("markets.services.refresh.provider_get", OneBatchFlaky)
    refresh_prices.apply()
    assert sorted(fetched) == [["T0", "T1"], ["T2", "T3"], ["T2", "T3"], ["T4", "T5"]]
    assert Snapshot.objects.count() == 6 and len(tokens) == 6
    assert RefreshRun.objects.get().status == "ok"


def test_a_refresh_while_the_lease_is_held_is_skipped(tao, flaky, eager):
    from markets.services.locks import MARKET_DATA_LOCK, lock_held

    with lock_held(name=MARKET_DATA_LOCK, ttl_seconds=60):
        result = refresh_prices.apply().get()
    assert result == {"run": RefreshRun.objects.get().pk, "status": "skipped", "batches": 0}
    assert flaky.calls == 0


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


def test_a_batch_waiting_for_its_retry_keeps_the_runs_lease_until_the_retry_runs(
    tao, monkeypatch, settings
):
    """A batch retried 5 times waits 30+60+120+240+480 s: longer than the 15-minute lease,
    which then expired and let the next scheduled refresh run beside this one."""
    from datetime import timedelta

    from celery.exceptions import Retry
    from django.utils import timezone

    from markets.models import JobLock
    from markets.services.fanout import refresh_fanout_start
    from markets.tasks import refresh_batch

    settings.REFRESH_LOCK_SECONDS = 60
    settings.REFRESH_BATCH_RETRY_SECONDS = 300
    provider = stubs.FlakyProvider(failures=1)
    monkeypatch.setattr("markets.services.refresh.provider_get", lambda: provider)
    plan = refresh_fanout_start(provider_name="flaky")
    countdowns = []

    def retry_later(*, exc, countdown):
        countdowns.append(countdown)
        return Retry()

    monkeypatch.setattr(refresh_batch, "retry", retry_later)
    with pytest.raises(Retry):
        refresh_batch(plan.batches[0], plan.owner)

    assert countdowns == [300]
    lease = JobLock.objects.get()
    assert lease.owner == plan.owner
    assert lease.locked_until > timezone.now() + timedelta(seconds=300)


def test_a_queued_backfill_that_finds_the_lease_busy_is_retried_not_dropped(tao, monkeypatch):
    """The admin's "Backfill 90 days" queues this task and says so: when a refresh held the
    lease past the 120 s wait, the task failed for good and the backfill never happened."""
    from markets.services import refresh
    from markets.services.locks import LeaseBusy

    monkeypatch.setattr("markets.services.refresh.provider_get", stubs.StubProvider)
    real_lease, attempts = refresh.market_data_lease, []

    def busy_once(**kwargs):
        attempts.append(kwargs["purpose"])
        if len(attempts) == 1:
            raise LeaseBusy("backfill TAO: a refresh, backfill or import is running")
        return real_lease(**kwargs)

    monkeypatch.setattr(refresh, "market_data_lease", busy_once)
    result = backfill_token.apply(("TAO", 1)).get()

    assert len(attempts) == 2
    assert result["status"] == "ok" and result["stored"] >= 23


def test_a_compaction_that_finds_the_lease_busy_is_retried_not_dropped(tao, monkeypatch):
    """A refresh or import holding the market-data lease past its wait made the nightly
    compaction fail for good: old snapshots then waited a whole day to be folded."""
    from markets.services import retention
    from markets.services.locks import LeaseBusy

    real_lease, attempts = retention.market_data_lease, []

    def busy_twice(**kwargs):
        attempts.append(kwargs["purpose"])
        if len(attempts) <= 2:
            raise LeaseBusy("compaction: a refresh, backfill or import is running")
        return real_lease(**kwargs)

    monkeypatch.setattr(retention, "market_data_lease", busy_twice)
    outcome = compact_snapshots.apply()

    assert outcome.successful()
    assert attempts == ["compaction"] * 3
    assert outcome.get() == {"raw_folded": 0, "hourly_folded": 0}


def test_a_compaction_retries_a_busy_lease_with_backoff_and_a_cap():
    from markets.services.locks import LeaseBusy

    assert LeaseBusy in compact_snapshots.autoretry_for
    assert compact_snapshots.retry_backoff and compact_snapshots.max_retries == 5


def test_a_refresh_batch_that_gives_up_records_which_tokens_went_unquoted(tao, btc, monkeypatch):
    """The run said "batch of 2 ids starting 'bitcoin'" and left the reader to guess."""
    import httpx
    import respx

    from markets.providers.coingecko import CoinGeckoProvider
    from markets.services.fanout import refresh_fanout_finish, refresh_fanout_start
    from markets.tasks import refresh_batch

    provider = CoinGeckoProvider(
        api_key="", plan="demo", timeout=1.0, max_retries=0, backoff=0, sleep=lambda s: None
    )
    monkeypatch.setattr("markets.services.refresh.provider_get", lambda: provider)
    monkeypatch.setattr("markets.services.fanout.lock_extend", lambda **kwargs: True)
    plan = refresh_fanout_start(provider_name="coingecko")
    with respx.mock(assert_all_called=False) as api:
        api.get(url__regex=r"/coins/markets").mock(return_value=httpx.Response(503))
        outcome = refresh_batch.apply((plan.batches[0], plan.owner), retries=5).get()

    run = refresh_fanout_finish(run_id=plan.run.pk, owner=plan.owner, outcomes=[outcome])

    assert run.status == "failed"
    assert "no quotes for 2 tokens (BTC, TAO)" in run.error
    assert "ids starting" not in run.error


def test_a_refresh_whose_batches_cannot_be_queued_is_recorded_failed_and_frees_the_lease(
    tao, flaky, eager, monkeypatch
):
    """Queuing the chord can fail (no result backend, the broker gone): the run stayed
    "running" and its lease blocked every refresh, backfill and import for 15 minutes."""
    import celery

    from markets.models import JobLock

    def unqueueable(*args, **kwargs):
        raise NotImplementedError("Starting chords requires a result backend to be configured")

    monkeypatch.setattr(celery, "chord", unqueueable)
    outcome = refresh_prices.apply()

    assert outcome.failed()
    run = RefreshRun.objects.get()
    assert run.status == "failed" and run.finished_at is not None
    assert "result backend" in run.error
    assert not JobLock.objects.exists()
