"""Two attempts at one delivery may overlap (a task redelivered by the broker while the first
still runs, the resume sweep queueing it again): only one sends, and a late outcome never
overwrites a final one."""

from __future__ import annotations

import pytest

from notifications import webhooks
from notifications.models import WebhookDelivery
from notifications.services import webhook_deliveries_create
from notifications.webhooks import webhook_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def pk(alice) -> int:
    (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, "https://hooks.example.org/", {})])
    return pk


def test_an_attempt_started_while_another_is_sending_does_not_send_again(pk, monkeypatch):
    sent: list[int] = []
    inner: list[webhooks.Attempt] = []

    def send(delivery, body, secret):
        sent.append(delivery.pk)
        if len(sent) == 1:  # the redelivered task starts while this request is in flight
            inner.append(webhook_attempt(delivery_id=delivery.pk))
        return "delivered", "", 204

    monkeypatch.setattr(webhooks, "_send", send)

    assert webhook_attempt(delivery_id=pk).status == "delivered"
    assert sent == [pk]
    assert inner[0].retry_in is None  # no retry: the running attempt reports its own outcome
    assert WebhookDelivery.objects.get(pk=pk).attempts == 1


def test_a_late_failure_does_not_overwrite_a_delivery_another_attempt_completed(pk, monkeypatch):
    def send(delivery, body, secret):
        # Meanwhile an overlapping attempt (its claim expired) got the endpoint's 204.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="delivered")
        return "retrying", "HTTP 503", 503

    monkeypatch.setattr(webhooks, "_send", send)

    attempt = webhook_attempt(delivery_id=pk)

    assert (attempt.status, attempt.retry_in) == ("delivered", None)
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert (delivery.status, delivery.response_status, delivery.last_error) == (
        "delivered",
        None,
        "",
    )


def test_a_stale_attempt_does_not_overwrite_the_outcome_of_a_newer_one(pk, monkeypatch):
    def send(delivery, body, secret):
        # A newer attempt started (and counted) after this one's claim expired.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=2, last_error="newer")
        return "failed", "HTTP 404", 404

    monkeypatch.setattr(webhooks, "_send", send)

    attempt = webhook_attempt(delivery_id=pk)

    assert attempt.retry_in is None
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert (delivery.status, delivery.last_error) == ("pending", "newer")


def test_a_stale_attempt_that_got_through_still_records_the_delivery(pk, monkeypatch):
    def send(delivery, body, secret):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=2, status="retrying")
        return "delivered", "", 204

    monkeypatch.setattr(webhooks, "_send", send)

    assert webhook_attempt(delivery_id=pk).status == "delivered"
    assert WebhookDelivery.objects.get(pk=pk).status == "delivered"
