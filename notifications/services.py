"""Every write of notifications: the public service other apps call, read marks, digests and
webhook deliveries.

Other apps (alerts, discussions) call ``notification_create`` / ``notifications_bulk_create``
with text already written in the recipient's language (``user_language``), kept as the
fallback, and with the message key and params its title is written from when read, in the
reader's language (``notifications.messages``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.text import text_one_line
from notifications.models import (
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    Notification,
    WebhookDelivery,
    WebhookSettings,
    site_path,
)
from notifications.webhooks import BACKOFF_MAX_SECONDS, WebhookRefused, webhook_url_check

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationDraft:
    user_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""
    message_key: str = ""  # registered in notifications.messages by the producer
    params: dict = field(default_factory=dict)  # JSON: what that message names


def user_language(user) -> str:
    """The language to write to this user in: their choice, else the site's default."""
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def notification_create(
    *,
    user,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    message_key: str = "",
    params: dict | None = None,
) -> Notification:
    """One in-app notification for ``user`` (title and body in their language; with a message
    key, the title is written again in the reader's language when read)."""
    draft = NotificationDraft(user.pk, kind, title, body, url, message_key, params or {})
    return notifications_bulk_create(drafts=[draft])[0]


def notifications_bulk_create(*, drafts: Sequence[NotificationDraft]) -> list[Notification]:
    """Many notifications in one insert; returns them (with ids on PostgreSQL)."""
    now = timezone.now()
    rows = [
        Notification(
            user_id=d.user_id,
            kind=d.kind[:32],
            title=d.title[:TITLE_MAX_LENGTH],
            body=d.body,
            url=site_path(d.url[:URL_MAX_LENGTH]),
            message_key=d.message_key,
            params=d.params,
            created_at=now,
        )
        for d in drafts
    ]
    return Notification.objects.bulk_create(rows, batch_size=2000)


def notifications_body_set(*, kind: str, url: str, body: str) -> int:
    """Rewrite the body of the notifications of this kind about ``url`` (the app that made
    them says its text changed or went: a reply edited, deleted or hidden). Returns how many."""
    return Notification.objects.filter(kind=kind[:32], url=url[:URL_MAX_LENGTH]).update(body=body)


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user, up_to_id: int | None = None) -> int:
    """Marks the user's unread notifications read; with ``up_to_id``, only those up to it (the
    newest a page showed), so one that arrived after stays unread."""
    unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if up_to_id is not None:
        unread = unread.filter(id__lte=up_to_id)
    return unread.update(read_at=timezone.now())


# --- Email digests -----------------------------------------------------------------------------


def digests_send(*, notification_ids: Iterable[int]) -> int:
    """One email per opted-in user for these notifications (one evaluation run), in the
    user's language. Returns the number of emails sent.

    Each notification is marked as emailed once its digest is sent, and the marks are kept
    when a later one fails (the error is raised after): a retry of the task, or the same task
    delivered twice, sends only the digests not sent yet. The rows are locked meanwhile
    (skipped by a concurrent run), so two workers do not send the same digest.

    One user's digest never stops the others': one the mail server refuses (its address) is
    skipped and the refusal raised after the others, so the task's retry tries it again
    alone; one that cannot be made at all (its data: an address that is no header) is logged
    and left unsent, as a retry would fail the same way. Only a failure of the connection
    itself ends the run (the rest wait for the retry)."""
    error: OSError | None = None
    sent: list[int] = []
    with transaction.atomic():
        by_user: dict[int, list[Notification]] = defaultdict(list)
        pending = (
            Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("created_at", "id")
        )
        for notification in pending:
            by_user[notification.user_id].append(notification)
        users = (
            get_user_model()
            .objects.filter(pk__in=by_user, email_notifications=True, is_active=True)
            .exclude(email="")
            .order_by("pk")
        )
        users = list(users)
        if users:
            try:
                with get_connection() as connection:
                    for user in users:
                        try:
                            if _digest_send(connection, user, by_user[user.pk]):
                                sent.append(user.pk)
                        except SMTPRecipientsRefused as exc:  # this address only
                            logger.warning("Digest for user %s refused: %s", user.pk, exc)
                            error = exc
            except OSError as exc:  # smtplib's errors too; what was sent stays marked
                error = exc
            emailed = [n.pk for user_id in sent for n in by_user[user_id]]
            Notification.objects.filter(pk__in=emailed).update(emailed_at=timezone.now())
    if error is not None:
        raise error
    return len(sent)


def site_link(path: str) -> str:
    """An absolute link to ``path`` on this site (``SITE_URL``), for mail read outside it."""
    if not path or "://" in path:
        return path
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


UNSUBSCRIBE_SALT = "notifications.digests.unsubscribe"


def digests_unsubscribe_path(*, user) -> str:
    """The signed, unguessable address that turns this user's alert emails off, without
    signing in (it is named in each digest; the signature is the only credential)."""
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=UNSUBSCRIBE_SALT)
    return reverse("notifications:unsubscribe", args=[token])


def digests_unsubscribe_user(*, token: str):
    """The user a link of ``digests_unsubscribe_path`` names, or None for a forged link or
    one made for an address the account no longer has."""
    try:
        claim = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(claim, dict):
        return None
    user = get_user_model().objects.filter(pk=claim.get("user")).first()
    if user is None or user.email != claim.get("email"):
        return None
    return user


def digests_stop(*, user) -> None:
    """No more alert emails for this user (what "Email me when my alerts trigger" unticked
    does); doing it twice changes nothing."""
    if user.email_notifications:
        user.email_notifications = False
        user.save(update_fields=["email_notifications"])


def _digest_send(connection, user, notifications: list[Notification]) -> bool:
    """Whether this user's digest was sent. An error of the connection or of this recipient
    (OSError) is the caller's; any other is this user's data, logged, so that the other
    users' digests still go."""
    try:
        return bool(connection.send_messages([_digest_message(user, notifications)]))
    except OSError:
        raise
    except Exception:  # BadHeaderError, an address the backend cannot parse, a template...
        logger.exception("Digest for user %s not sent: it could not be made", user.pk)
        return False


def _digest_message(user, notifications: list[Notification]) -> EmailMultiAlternatives:
    settings_url = site_link(reverse("accounts:profile") + "#profile")
    with translation.override(user_language(user)):
        count = len(notifications)
        # Titles in the user's language now (it may have changed since they were made).
        titles = [n.display_title for n in notifications]
        subject = titles[0]
        if count > 1:
            subject = _("%(count)d alerts triggered") % {"count": count}
        items = [
            {"title": title, "url": site_link(n.link)}
            for title, n in zip(titles, notifications, strict=True)
        ]
        context = {
            "items": items,
            "settings_url": settings_url,
            "site_name": settings.SITE_NAME,
            "user": user,
        }
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    # Mail clients offer an "Unsubscribe" button that posts to the link (RFC 2369, 8058).
    headers = {
        "List-Unsubscribe": f"<{site_link(digests_unsubscribe_path(user=user))}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    # One line: a title names lists, tokens and people, whose stored names may hold a line
    # break (written past the forms), which Django refuses in a header.
    subject = text_one_line(f"{prefix}{subject}")
    message = EmailMultiAlternatives(subject, text, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


# --- Webhooks ----------------------------------------------------------------------------------


def webhook_settings_get(*, user) -> WebhookSettings:
    settings_row, _created = WebhookSettings.objects.get_or_create(user_id=user.pk)
    return settings_row


def webhook_secret_get(*, user_id: int) -> str:
    return WebhookSettings.objects.get_or_create(user_id=user_id)[0].secret


def webhook_url_clean(url: str, *, field: str = "webhook_url") -> str:
    """A URL deliveries may go to, or a ValidationError naming ``field``."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError({field: [_("At most %(n)d characters.") % {"n": URL_MAX_LENGTH}]})
    try:
        return webhook_url_check(url)
    except WebhookRefused as exc:
        raise ValidationError({field: [str(exc)]}) from None


def webhook_settings_update(*, user, default_url: str | None = None, new_secret: bool = False):
    row = webhook_settings_get(user=user)
    fields = []
    if default_url is not None:
        row.default_url = webhook_url_clean(default_url, field="default_url")
        fields.append("default_url")
    if new_secret:
        from notifications.models import webhook_secret_new

        row.secret = webhook_secret_new()
        fields.append("secret")
    if fields:
        row.save(update_fields=fields)
    return row


def webhooks_default_urls(*, user_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        WebhookSettings.objects.filter(user_id__in=list(user_ids))
        .exclude(default_url="")
        .values_list("user_id", "default_url")
    )


# A delivery whose task was lost (its worker killed by the task's hard time limit, a message
# the broker lost) would stay pending or retrying forever. Past the longest backoff and the
# task's limits, none of its own tasks is still due: the sweep queues it again.
DELIVERY_STALE_SECONDS = BACKOFF_MAX_SECONDS + 15 * 60
RESUME_BATCH = 500


def webhook_deliveries_resume() -> int:
    """Queue again the deliveries idle past DELIVERY_STALE_SECONDS (at most RESUME_BATCH);
    each is marked as just queued, so the next sweep leaves it to its task. Attempts stay
    capped by MAX_ATTEMPTS: every attempt counts, lost or not."""
    from notifications.tasks import deliver_webhook

    now = timezone.now()
    with transaction.atomic():
        stale = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status__in=("pending", "retrying"))
            .filter(updated_at__lt=now - timedelta(seconds=DELIVERY_STALE_SECONDS))
            .order_by("updated_at")
            .values_list("pk", flat=True)
        )
        ids = list(stale[:RESUME_BATCH])
        WebhookDelivery.objects.filter(pk__in=ids).update(updated_at=now)
        transaction.on_commit(lambda: [deliver_webhook.delay(pk) for pk in ids])
    return len(ids)


def webhook_deliveries_create(*, deliveries: Sequence[tuple[int, str, dict]]) -> list[int]:
    """Queue (user_id, url, payload) deliveries; each is sent by a task after the commit."""
    if not deliveries:
        return []
    now = timezone.now()
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(user_id=u, url=url, payload=p, created_at=now, updated_at=now)
            for u, url, p in deliveries
        ],
        batch_size=2000,
    )
    ids = [row.pk for row in rows if row.pk]
    from notifications.tasks import deliver_webhook

    transaction.on_commit(lambda: [deliver_webhook.delay(pk) for pk in ids])
    return ids
