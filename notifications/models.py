"""What reaches a user: in-app notifications, webhook settings and webhook deliveries."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from notifications.messages import MESSAGE_KEY_MAX_LENGTH, notification_title

TITLE_MAX_LENGTH = 200
URL_MAX_LENGTH = 500


def site_path(url: str) -> str:
    """``url`` if it is a path on this site (``/tokens/TAO/#comment-3``), else "": a
    notification never links to ``javascript:``, ``data:`` or another host (``//evil``)."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return ""
    if any(ord(char) < 33 for char in url):
        return ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


def webhook_secret_new() -> str:
    return secrets.token_hex(32)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=32, help_text="Who made it: alert, reply …")
    # The words as made (in the recipient's language then): what the admin shows, and what
    # pages show for a row without a known message key (see notifications.messages).
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField(blank=True, default="")
    # What the title is written from when read, in the reader's language.
    message_key = models.CharField(
        max_length=MESSAGE_KEY_MAX_LENGTH,
        blank=True,
        default="",
        db_default="",
        help_text="Which message its title is written from: alerts.firing, discussions.reply …",
    )
    params = models.JSONField(
        blank=True, default=dict, db_default={}, help_text="The values the message names"
    )
    url = models.CharField(max_length=URL_MAX_LENGTH, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # When its email digest went out: a retried or repeated digest task skips it.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_recent"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the active language (the stored one for a row without a known key)."""
        return notification_title(self)

    @property
    def link(self) -> str:
        """The page it is about, only if that is a path on this site (else "")."""
        return site_path(self.url)


class WebhookSettings(models.Model):
    """A user's default webhook URL and the secret their deliveries are signed with."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_settings"
    )
    default_url = models.URLField(_("default webhook URL"), max_length=URL_MAX_LENGTH, blank=True)
    secret = models.CharField(max_length=64, default=webhook_secret_new)

    def __str__(self) -> str:
        return f"webhook settings of {self.user_id}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        RETRYING = "retrying", _("retrying")
        FAILED = "failed", _("failed")
        REFUSED = "refused", _("refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
        db_index=False,
    )
    url = models.CharField(max_length=URL_MAX_LENGTH)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="delivery_user_recent")]

    def __str__(self) -> str:
        return f"{self.url} {self.status}"
