"""Thin Celery tasks: take ids, call one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_digests(notification_ids: list[int]) -> int:
    from notifications.services import digests_send

    return digests_send(notification_ids=notification_ids)


# Reads time out after 10 s each, but an endpoint sending its answer a byte every few seconds
# would hold a worker for hours: the soft limit ends the attempt (retried later), the hard
# one the worker process if even that does not return.
@shared_task(bind=True, max_retries=None, soft_time_limit=60, time_limit=90)
def deliver_webhook(self, delivery_id: int) -> str:
    """One attempt; transient failures come back with backoff until MAX_ATTEMPTS."""
    from notifications.webhooks import webhook_attempt

    attempt = webhook_attempt(delivery_id=delivery_id)
    if attempt.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=attempt.retry_in)
    return attempt.status


@shared_task
def resume_webhook_deliveries() -> int:
    """Queue again the deliveries whose task was lost (see webhook_deliveries_resume)."""
    from notifications.services import webhook_deliveries_resume

    return webhook_deliveries_resume()
