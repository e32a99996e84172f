"""Webhook deliveries: where they may go, how they are signed, and one attempt at sending.

A URL must be HTTPS and must not lead inside the network (loopback, private, link-local —
which includes the cloud metadata address 169.254.169.254 —, shared, reserved, multicast).
It is checked when saved (literal addresses and local names) and again at send time, after
resolving the name, since DNS can change between the two. ``WEBHOOK_ALLOW_PRIVATE = True``
(development and tests with a local HTTP server only) lifts both the address check and the
HTTPS requirement.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import WebhookDelivery

SIGNATURE_HEADER = "X-Aicrash-Signature"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")


class WebhookRefused(ValueError):
    """The URL may not be used (message meant for people)."""


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False))


def address_refuse(address: str) -> None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_multicast:
        raise WebhookRefused(_("This address is inside a private network (%(ip)s).") % {"ip": ip})


def webhook_url_check(url: str, *, resolve: bool = False) -> str:
    """The URL if deliveries may go there, else WebhookRefused. ``resolve``: also check every
    address the name resolves to now (at send time)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise WebhookRefused(_("Enter a valid URL.")) from None
    if not host or parts.username or parts.password:
        raise WebhookRefused(_("Enter a valid URL without credentials."))
    if _allow_private():
        if parts.scheme not in ("https", "http"):
            raise WebhookRefused(_("Webhook URLs must use HTTPS."))
        return url
    if parts.scheme != "https":
        raise WebhookRefused(_("Webhook URLs must use HTTPS."))
    lowered = host.lower().rstrip(".")
    if lowered == "localhost" or lowered.endswith(LOCAL_NAMES):
        raise WebhookRefused(_("This address is inside a private network (%(ip)s).") % {"ip": host})
    try:
        address_refuse(host)
    except ValueError as exc:
        if isinstance(exc, WebhookRefused):
            raise
        if resolve:  # a name, not an address
            for address in _resolve(host, parts.port or 443):
                address_refuse(address)
    return url


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise WebhookRefused(_("The webhook host name does not resolve.")) from None
    return sorted({info[4][0] for info in infos})


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload_body(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


@dataclass(frozen=True)
class Attempt:
    status: str
    retry_in: int | None = None  # seconds, when worth another try


def _backoff(attempts: int) -> int:
    return min(BACKOFF_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS)


def webhook_attempt(*, delivery_id: int) -> Attempt:
    """Send a delivery once and log the outcome; idempotent once it is final."""
    from notifications.services import webhook_secret_get

    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status not in ("pending", "retrying"):
            return Attempt(delivery.status if delivery else "missing")
        delivery.attempts += 1
        delivery.updated_at = timezone.now()
        delivery.save(update_fields=["attempts", "updated_at"])
    body = payload_body(delivery.payload)
    status, error, code = _send(delivery, body, webhook_secret_get(user_id=delivery.user_id))
    retry_in = None
    if status == "retrying" and delivery.attempts >= MAX_ATTEMPTS:
        status = "failed"
    elif status == "retrying":
        retry_in = _backoff(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status, last_error=error[:500], response_status=code, updated_at=timezone.now()
    )
    return Attempt(status, retry_in)


def _send(delivery: WebhookDelivery, body: bytes, secret: str) -> tuple[str, str, int | None]:
    try:
        webhook_url_check(delivery.url, resolve=True)
    except WebhookRefused as exc:
        return "refused", str(exc), None
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "aicrash-webhooks/1",
        SIGNATURE_HEADER: signature(secret, body),
        "X-Aicrash-Delivery": str(delivery.pk),
    }
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            response = client.post(delivery.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return "retrying", f"{type(exc).__name__}: {exc}", None
    code = response.status_code
    if 200 <= code < 300:
        return "delivered", "", code
    if code == 429 or code >= 500:
        return "retrying", f"HTTP {code}", code
    return "failed", f"HTTP {code}", code
