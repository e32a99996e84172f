"""Deliveries whose task was lost (a worker killed by the hard time limit, a message the
broker lost) are queued again by a periodic sweep instead of staying pending forever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import WebhookDelivery
from notifications.services import DELIVERY_STALE_SECONDS, webhook_deliveries_resume
from notifications.tasks import deliver_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    sent: list[int] = []
    monkeypatch.setattr(deliver_webhook, "delay", sent.append)
    return sent


def delivery(user, *, status: str, idle_seconds: int, attempts: int = 1) -> WebhookDelivery:
    at = timezone.now() - timedelta(seconds=idle_seconds)
    return WebhookDelivery.objects.create(
        user=user, url="https://hooks.example.org/", payload={}, status=status,
        attempts=attempts, created_at=at, updated_at=at,
    )  # fmt: skip


def test_a_delivery_left_pending_past_every_backoff_is_queued_again(
    alice, queued, django_capture_on_commit_callbacks
):
    lost = delivery(alice, status="pending", idle_seconds=DELIVERY_STALE_SECONDS + 60)
    also = delivery(alice, status="retrying", idle_seconds=DELIVERY_STALE_SECONDS + 60)

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_resume() == 2

    assert sorted(queued) == sorted([lost.pk, also.pk])
    lost.refresh_from_db()
    assert timezone.now() - lost.updated_at < timedelta(minutes=1)  # not queued again next time


def test_recent_and_final_deliveries_are_left_alone(
    alice, queued, django_capture_on_commit_callbacks
):
    delivery(alice, status="retrying", idle_seconds=DELIVERY_STALE_SECONDS - 60)  # its retry due
    for status in ("delivered", "failed", "refused"):
        delivery(alice, status=status, idle_seconds=DELIVERY_STALE_SECONDS + 60)

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_resume() == 0

    assert queued == []


def test_a_second_sweep_right_after_queues_nothing(
    alice, queued, django_capture_on_commit_callbacks
):
    delivery(alice, status="pending", idle_seconds=DELIVERY_STALE_SECONDS + 60)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliveries_resume()
        webhook_deliveries_resume()

    assert len(queued) == 1


def test_the_sweep_runs_on_a_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["resume-webhook-deliveries"]
    assert entry["task"] == "notifications.tasks.resume_webhook_deliveries"
    assert entry["schedule"] < DELIVERY_STALE_SECONDS
