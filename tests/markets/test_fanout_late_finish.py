"""A refresh's finishing step that arrives late (its worker was killed and Redis redelivered
the batch after the lease expired) must not recompute metrics beside another run's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from markets.models import JobLock, RefreshRun
from markets.services import fanout
from markets.services.locks import MARKET_DATA_LOCK


@pytest.fixture
def recomputes(monkeypatch) -> list:
    calls: list = []
    monkeypatch.setattr(fanout, "derived_refresh", lambda **kwargs: calls.append(kwargs))
    return calls


def stored_outcome(token_id: int) -> dict:
    return {
        "requested": 1, "quotes": 1, "stored": 1, "rejected": 0, "errors": [],
        "token_ids": [token_id], "ts_min": 1_770_000_000, "ts_max": 1_770_000_000,
    }  # fmt: skip


def test_a_late_finish_skips_its_recompute_while_another_run_holds_the_lease(tao, recomputes):
    plan = fanout.refresh_fanout_start(provider_name="demo")
    later = timezone.now() + timedelta(minutes=10)
    JobLock.objects.filter(name=MARKET_DATA_LOCK).update(owner="next-refresh", locked_until=later)

    run = fanout.refresh_fanout_finish(
        run_id=plan.run.pk, owner=plan.owner, outcomes=[stored_outcome(tao.pk)]
    )

    assert recomputes == []
    assert run.status == RefreshRun.Status.PARTIAL and run.quotes_stored == 1
    assert "metrics not recomputed" in run.error and "next refresh" in run.error
    lease = JobLock.objects.get(name=MARKET_DATA_LOCK)
    assert lease.owner == "next-refresh" and lease.locked_until == later


def test_a_late_finish_takes_a_free_lease_again_to_recompute_then_frees_it(tao, recomputes):
    plan = fanout.refresh_fanout_start(provider_name="demo")
    JobLock.objects.filter(name=MARKET_DATA_LOCK).delete()  # expired and taken, then freed

    run = fanout.refresh_fanout_finish(
        run_id=plan.run.pk, owner=plan.owner, outcomes=[stored_outcome(tao.pk)]
    )

    assert len(recomputes) == 1
    assert run.status == RefreshRun.Status.OK and run.error == ""
    assert not JobLock.objects.exists()


def test_an_on_time_finish_recomputes_under_its_own_lease_and_frees_it(tao, recomputes):
    plan = fanout.refresh_fanout_start(provider_name="demo")

    run = fanout.refresh_fanout_finish(
        run_id=plan.run.pk, owner=plan.owner, outcomes=[stored_outcome(tao.pk)]
    )

    assert len(recomputes) == 1 and run.status == RefreshRun.Status.OK
    assert not JobLock.objects.exists()
