"""Webhook deliveries: where they may go, how they are signed, and one attempt at sending.

A URL must be HTTPS and must not lead inside the network (loopback, private, link-local —
which includes the cloud metadata address 169.254.169.254 —, site-local, shared, reserved,
multicast, or not globally reachable by IANA's registries where Python's ``is_global``
lags behind them).
Its host must be a DNS name or an IP address written plainly (four decimal numbers, or
IPv6 in brackets): ``2130706433``, ``0x7f000001`` or ``127.1`` are refused. It is checked
when saved (literal addresses and local names) and again at send time, after resolving the
name, since DNS can change between the two. The name is resolved once at send time and the
connection goes to the address that was checked (Host header, SNI and certificate check keep
the name), so a name answering differently a second time (DNS rebinding) gains nothing.
``WEBHOOK_ALLOW_PRIVATE = True`` (development and tests with a local HTTP server only) lifts
both the address check and the HTTPS requirement.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import socket
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import WebhookDelivery

SIGNATURE_HEADER = "X-Aicrash-Signature"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
CLAIM_SECONDS = 120  # an attempt's claim: past deliver_webhook's hard time limit (90 s)
OPEN = ("pending", "retrying")  # statuses still worth an attempt
LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")
DNS_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")


class WebhookRefused(ValueError):
    """The URL may not be used (message meant for people)."""


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False))


NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052's well-known prefix
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated ::a.b.c.d (:: and ::1 too)
IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # SIIT's ::ffff:0:a.b.c.d
# Not globally reachable by the IANA special-purpose registries, yet global to the
# ipaddress module of Python before 3.12.4 (the machines run 3.11).
NOT_GLOBAL = (
    ipaddress.IPv4Network("192.0.0.0/24"),  # IETF protocol assignments (but the two below)
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215): any IPv4 inside
    ipaddress.IPv6Network("fec0::/10"),  # site-local (deprecated, still routed in some networks)
    ipaddress.IPv6Network("3fff::/20"),  # documentation (RFC 9637)
    ipaddress.IPv6Network("5f00::/16"),  # SRv6 segment identifiers (RFC 9602)
)
GLOBAL_EXCEPTIONS = (ipaddress.IPv4Address("192.0.0.9"), ipaddress.IPv4Address("192.0.0.10"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries to a translator or relay (mapped, NAT64, 6to4,
    IPv4-compatible): Python counts most of these as global whatever the IPv4 inside."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in NAT64_PREFIX or ip in IPV4_COMPATIBLE or ip in IPV4_TRANSLATED:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_refuse(address: str) -> None:
    written = ipaddress.ip_address(address.split("%", 1)[0])
    ip = written
    if isinstance(ip, ipaddress.IPv6Address):
        ip = _embedded_ipv4(ip) or ip
    listed = ip not in GLOBAL_EXCEPTIONS and any(ip in network for network in NOT_GLOBAL)
    if not ip.is_global or ip.is_multicast or listed:
        # The message names the address as given (::1, not the 0.0.0.1 read inside it).
        raise WebhookRefused(
            _("This address is inside a private network (%(ip)s).") % {"ip": written}
        )


def _numeric_refused() -> WebhookRefused:
    return WebhookRefused(
        _("Write an IP address as four decimal numbers separated by dots, like 203.0.113.7.")
    )


def _numeric(host: str) -> bool:
    """Whether resolvers and browsers would read ``host`` as an IPv4 address in some form
    (``2130706433``, ``0x7f000001``, ``127.1``, ``0177.0.0.1``): its last label is a number."""
    return bool(NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]))


def _host_refuse(host: str) -> None:
    """Refuse a host (as httpx sends it: lowercase, IDNA-encoded, IPv6 without brackets) that
    is a refused address, an address in another notation, or not a valid DNS name."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    else:
        if not _allow_private():
            address_refuse(host)
        return
    if _numeric(host):
        raise _numeric_refused()
    name = host[:-1] if host.endswith(".") else host
    if len(name) > 253 or not all(DNS_LABEL.fullmatch(label) for label in name.split(".")):
        raise WebhookRefused(_("Enter a valid host name (letters, digits, hyphens, dots)."))


def _url_parse(url: str) -> httpx.URL:
    """The URL as httpx will send it (the parser that checks is the one that connects)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if _numeric(host):  # e.g. 0177.0.0.1, which httpx itself refuses
            raise _numeric_refused() from None
        raise WebhookRefused(_("Enter a valid URL.")) from None
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise WebhookRefused(_("Enter a valid URL."))
    return parsed


def webhook_url_check(url: str) -> str:
    """The URL if deliveries may go there, else WebhookRefused (the address a name resolves
    to is checked at send time, by ``webhook_url_resolve``)."""
    _url_check(url)
    return url


def _url_check(url: str) -> httpx.URL:
    parsed = _url_parse(url)
    host = parsed.raw_host.decode("ascii")
    if not host:  # javascript:…, https:///hook, a host without https://
        raise WebhookRefused(_("Enter a valid URL."))
    if parsed.userinfo:
        raise WebhookRefused(_("Enter a valid URL without credentials."))
    if parsed.scheme != "https" and not (_allow_private() and parsed.scheme == "http"):
        raise WebhookRefused(_("Webhook URLs must use HTTPS."))
    lowered = host.rstrip(".")
    if not _allow_private() and (lowered == "localhost" or lowered.endswith(LOCAL_NAMES)):
        raise WebhookRefused(_("This address is inside a private network (%(ip)s).") % {"ip": host})
    _host_refuse(host)
    return parsed


def webhook_url_resolve(url: str) -> tuple[httpx.URL, list[str]]:
    """Send time: the URL and the addresses its host resolves to now, all checked, in the
    resolver's order of preference. Connect to these, never to the name again: a second
    resolution could answer an internal address (DNS rebinding)."""
    parsed = _url_check(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = _resolve(parsed.raw_host.decode("ascii"), port)
    if not _allow_private():
        for address in addresses:
            address_refuse(address)
    return parsed, addresses


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise WebhookRefused(_("The webhook host name does not resolve.")) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise WebhookRefused(_("The webhook host name does not resolve."))
    return addresses


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


def _owner_language(user_id: int) -> str:
    from django.contrib.auth import get_user_model

    language = (
        get_user_model()
        .objects.filter(pk=user_id)
        .values_list("preferred_language", flat=True)
        .first()
    )
    return language or settings.LANGUAGE_CODE


def webhook_attempt(*, delivery_id: int) -> Attempt:
    """Send a delivery once and log the outcome; idempotent once it is final.

    Attempts may overlap (a task redelivered by the broker, the resume sweep): each first
    claims the delivery in a short transaction — no lock is held during the request — and
    one finding it claimed leaves it to the running attempt. The outcome is then written
    only if it is still this attempt's to write (compare-and-set, see ``_outcome_write``)."""
    from notifications.services import webhook_secret_get

    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status not in OPEN:
            return Attempt(delivery.status if delivery else "missing")
        now = timezone.now()
        if delivery.updated_at > now:  # claimed by a running attempt, which reports itself
            return Attempt(delivery.status)
        delivery.attempts += 1
        # While claimed, updated_at holds the claim's end (no migration for a field of its
        # own); the final write puts the time back. A claim outlasts the task's hard limit.
        delivery.updated_at = now + timedelta(seconds=CLAIM_SECONDS)
        delivery.save(update_fields=["attempts", "updated_at"])
    body = payload_body(delivery.payload)
    secret = webhook_secret_get(user_id=delivery.user_id)
    # The reason is read on the owner's alerts page: written in their language.
    with translation.override(_owner_language(delivery.user_id)):
        status, error, code = _send(delivery, body, secret)
    retry_in = None
    if status == "retrying" and delivery.attempts >= MAX_ATTEMPTS:
        status = "failed"
    elif status == "retrying":
        retry_in = _backoff(delivery.attempts)
    if not _outcome_write(delivery, status=status, error=error, code=code):
        current = WebhookDelivery.objects.filter(pk=delivery.pk).values_list("status", flat=True)
        return Attempt(current.first() or "missing")
    return Attempt(status, retry_in)


def _outcome_write(delivery: WebhookDelivery, *, status: str, error: str, code: int | None) -> bool:
    """Write an attempt's outcome unless it is no longer its own: a final status is never
    overwritten, and only the latest attempt (by count) writes a non-final one — except that
    "delivered" always wins, since the endpoint did get the payload."""
    current = WebhookDelivery.objects.filter(pk=delivery.pk, status__in=OPEN)
    if status != "delivered":
        current = current.filter(attempts=delivery.attempts)
    return bool(
        current.update(
            status=status, last_error=error[:500], response_status=code, updated_at=timezone.now()
        )
    )


def _send(delivery: WebhookDelivery, body: bytes, secret: str) -> tuple[str, str, int | None]:
    try:
        url, addresses = webhook_url_resolve(delivery.url)
    except WebhookRefused as exc:
        return "refused", str(exc), None
    host = url.raw_host.decode("ascii")
    headers = {
        "Host": url.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "User-Agent": "aicrash-webhooks/1",
        SIGNATURE_HEADER: signature(secret, body),
        "X-Aicrash-Delivery": str(delivery.pk),
    }
    # The request goes to a checked address; the name stays in the Host header and in TLS
    # (SNI, and the certificate is verified against it). No redirects: a hop is not checked.
    # Only the status counts: the answer's body is never read (an endpoint sending one
    # without end, a byte at a time, would hold the worker or fill its memory).
    extensions = {"sni_hostname": host}
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            for index, address in enumerate(addresses):
                try:
                    with client.stream(
                        "POST",
                        url.copy_with(host=address),
                        content=body,
                        headers=headers,
                        extensions=extensions,
                    ) as response:
                        code = response.status_code
                    break
                except httpx.ConnectError:
                    if index == len(addresses) - 1:
                        raise
    except httpx.HTTPError as exc:
        return "retrying", f"{type(exc).__name__}: {exc}", None
    except SoftTimeLimitExceeded:  # the task's limit (notifications/tasks.py): too slow
        return "retrying", _("The endpoint took longer than the time limit to answer."), None
    if 200 <= code < 300:
        return "delivered", "", code
    if code == 429 or code >= 500:
        return "retrying", f"HTTP {code}", code
    return "failed", f"HTTP {code}", code
