"""Reads of a user's notifications and deliveries; every lookup is scoped to its owner."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.ids import id_from_url
from notifications.models import Notification, WebhookDelivery


def _pk(value) -> int:
    return id_from_url(value, missing=_("No such notification."))


def notification_list_for_user(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first; only the unread (``unread=True``) or only the
    read ones (``False``)."""
    notifications = Notification.objects.filter(user_id=user.pk)
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return notifications.order_by("-created_at", "-id")


def notification_get_for_user(*, user, pk) -> Notification:
    """The user's own notification; Http404 for anyone else's (staff too)."""
    pk = _pk(pk)
    if not getattr(user, "is_authenticated", False):
        raise Http404(_("No such notification."))
    try:
        return Notification.objects.get(pk=pk, user_id=user.pk)
    except Notification.DoesNotExist:
        raise Http404(_("No notification %(id)s.") % {"id": pk}) from None


def notifications_unread_count(*, user) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def notifications_unread_summary(*, user) -> tuple[int, int | None]:
    """The number of unread notifications and the id of the newest, in one query: the inbox's
    "mark all read" marks only those up to it, not ones that arrived after it was shown."""
    row = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).aggregate(
        count=Count("id"), newest=Max("id")
    )
    return row["count"], row["newest"]


def webhook_deliveries_for_user(*, user, limit: int = 20) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.filter(user_id=user.pk).order_by("-created_at", "-id")[:limit]
    )
