"""Thin Celery tasks of the shared plumbing."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection

from core.mail import message_from_payload

logger = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = 8  # about 4 h of backoff in all
EMAIL_BACKOFF_SECONDS = 30
EMAIL_BACKOFF_MAX_SECONDS = 3600
TRANSIENT_MAIL_ERRORS = (OSError, smtplib.SMTPException)


@shared_task(bind=True, max_retries=EMAIL_MAX_RETRIES, acks_late=True)
def email_send(self, payload: dict) -> int:
    """Deliver one queued message; retry transient failures with exponential backoff."""
    message = message_from_payload(payload)
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    try:
        return connection.send_messages([message])
    except TRANSIENT_MAIL_ERRORS as exc:
        recipients = ", ".join(message.to)
        attempt = self.request.retries + 1
        if self.request.retries >= self.max_retries:
            logger.error(
                "Email to %s failed after %d attempts, giving up: %s", recipients, attempt, exc
            )
            raise
        countdown = min(EMAIL_BACKOFF_SECONDS * 2**self.request.retries, EMAIL_BACKOFF_MAX_SECONDS)
        logger.warning(
            "Email to %s failed (attempt %d), retrying in %ds: %s",
            recipients,
            attempt,
            countdown,
            exc,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
