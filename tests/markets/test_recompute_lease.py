"""Standalone metrics recomputes (the task, the admin's activate/deactivate, compute_metrics)
take the market-data lease like refreshes and imports do: the refresh's late-finish logic
assumes it is the only writer while it holds the lease."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from markets.models import JobLock
from markets.services import recompute
from markets.services.locks import MARKET_DATA_LOCK, LeaseBusy, lock_acquire
from markets.tasks import recompute_metrics

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(settings) -> str:
    """The lease held by someone else (a refresh), and no waiting for it."""
    settings.MARKET_DATA_LEASE_WAIT_SECONDS = 0
    owner = lock_acquire(name=MARKET_DATA_LOCK, ttl_seconds=600)
    assert owner
    return owner


@pytest.fixture
def recomputed(monkeypatch) -> list[tuple[list[int] | None, bool]]:
    """Each recompute's token ids and whether the lease was held while it ran."""
    calls = []

    def fake(*, token_ids=None, list_ids=()):
        calls.append((token_ids, JobLock.objects.filter(name=MARKET_DATA_LOCK).exists()))
        return 0

    monkeypatch.setattr(recompute, "metrics_recompute", fake)
    return calls


def test_the_task_recomputes_under_the_lease_and_releases_it(tao, recomputed):
    assert recompute_metrics.apply(([tao.id],)).get() == 0
    assert recomputed == [([tao.id], True)]
    assert not JobLock.objects.exists()


def test_the_task_finding_the_lease_busy_is_retried_not_dropped(tao, recomputed, monkeypatch):
    real_lease, attempts = recompute.market_data_lease, []

    def busy_once(**kwargs):
        attempts.append(kwargs["purpose"])
        if len(attempts) == 1:
            raise LeaseBusy("metrics recompute: a refresh, backfill or import is running")
        return real_lease(**kwargs)

    monkeypatch.setattr(recompute, "market_data_lease", busy_once)

    assert recompute_metrics.apply(([tao.id],)).successful()
    assert len(attempts) == 2 and recomputed == [([tao.id], True)]
    assert LeaseBusy in recompute_metrics.autoretry_for and recompute_metrics.max_retries


def test_compute_metrics_says_so_and_writes_nothing_while_the_lease_is_held(tao, held, recomputed):
    with pytest.raises(CommandError, match="running; try again later; no metrics were"):
        call_command("compute_metrics")
    assert recomputed == []


def test_compute_metrics_recomputes_under_the_lease(tao, recomputed):
    call_command("compute_metrics", "TAO")
    assert recomputed == [([tao.id], True)]


def test_deactivating_recomputes_at_once_under_the_lease_when_it_is_free(
    admin_client, tao, recomputed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:markets_token_changelist"),
            {"action": "deactivate", "_selected_action": [tao.pk]},
            follow=True,
        )
    assert recomputed == [([tao.id], True)]


# Committed for real, as in production: the message is added by the on-commit callback,
# within the request.
@pytest.mark.django_db(transaction=True)
def test_deactivating_during_a_refresh_queues_the_recompute_and_says_so(
    admin_client, tao, held, recomputed, monkeypatch
):
    queued = []
    monkeypatch.setattr(recompute_metrics, "delay", lambda ids: queued.append(ids))

    response = admin_client.post(
        reverse("admin:markets_token_changelist"),
        {"action": "deactivate", "_selected_action": [tao.pk]},
        follow=True,
    )

    assert recomputed == [] and queued == [[tao.id]]
    messages = [str(m) for m in response.context["messages"]]
    assert any("metrics will be recomputed once it ends" in m for m in messages)
    assert any("1 token deactivated" in m for m in messages)


def test_a_change_of_activity_in_the_form_recomputes_after_the_commit_under_the_lease(
    admin_client, tao, recomputed, django_capture_on_commit_callbacks
):
    url = reverse("admin:markets_token_change", args=[tao.pk])
    form = {"symbol": tao.symbol, "name": tao.name, "coingecko_id": tao.coingecko_id,
            "asset_class": tao.asset_class, "is_active": ""}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form, follow=True)
    assert response.status_code == 200
    tao.refresh_from_db()
    assert not tao.is_active
    assert recomputed == [([tao.id], True)]


@pytest.mark.django_db(transaction=True)
def test_deactivating_during_a_refresh_with_the_broker_down_says_to_run_compute_metrics(
    admin_client, tao, held, recomputed, monkeypatch
):
    def down(ids):
        raise OSError("Connection refused")

    monkeypatch.setattr(recompute_metrics, "delay", down)

    response = admin_client.post(
        reverse("admin:markets_token_changelist"),
        {"action": "deactivate", "_selected_action": [tao.pk]},
        follow=True,
    )

    assert response.status_code == 200 and recomputed == []
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert any(level == "error" and "compute_metrics" in text for level, text in messages)
    tao.refresh_from_db()
    assert not tao.is_active
