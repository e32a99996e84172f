"""Email leaves through a Celery task, so a slow or unreachable mail server never fails a
request (a sign-up, a password reset) nor leaves it half done.

``EMAIL_BACKEND = "core.mail.QueuedEmailBackend"`` queues each message once the current
transaction commits (nothing is sent for a sign-up that rolled back); ``core.tasks.email_send``
delivers it with ``EMAIL_DELIVERY_BACKEND`` (SMTP in production), retrying with backoff and
logging the failure.
"""

from __future__ import annotations

import logging
from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

logger = logging.getLogger(__name__)


def message_to_payload(message: EmailMessage) -> dict:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def message_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def _enqueue(payload: dict) -> None:
    from core.tasks import email_send

    try:
        email_send.delay(payload)
    except Exception:
        logger.exception("Email to %s could not be queued", ", ".join(payload["to"]))


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            transaction.on_commit(partial(_enqueue, message_to_payload(message)))
            count += 1
        return count
