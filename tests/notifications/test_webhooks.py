"""Webhook deliveries against a local HTTP server: signature, retries, address refusal;
against a stubbed resolver and respx: the connection goes to the address that was checked."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

import pytest
import respx
from celery.exceptions import SoftTimeLimitExceeded

from alerts.services import alert_create
from notifications.models import WebhookDelivery
from notifications.services import webhook_deliveries_create, webhook_settings_get
from notifications.tasks import deliver_webhook
from notifications.webhooks import (
    MAX_ATTEMPTS,
    WebhookRefused,
    webhook_attempt,
    webhook_url_check,
    webhook_url_resolve,
)

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server answering the statuses it is given, recording what it receives."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def test_an_alert_firing_is_delivered_signed_with_the_users_secret(
    market, btc, alice, receiver_factory, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver = receiver_factory()
    market.tick({btc: 61_000})
    alert_create(
        owner=alice,
        condition="crossing_down",
        value=60_000,
        symbol="BTC",
        target="token",
        webhook_url=receiver.url,
    )
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from aicrash_site.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            market.tick({btc: 59_850})
    finally:
        app.conf.task_always_eager = False
    ((headers, body),) = receiver.requests
    secret = webhook_settings_get(user=alice).secret
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Aicrash-Signature"] == expected
    payload = json.loads(body)
    assert payload["text"] == "BTC crossed down $60,000.00 at $59,850.00"
    assert payload["subject"] == "BTC" and payload["value"] == 59_850
    delivery = WebhookDelivery.objects.get(user=alice)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)


def test_a_failing_endpoint_is_retried_with_backoff_then_given_up(
    alice, receiver_factory, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver = receiver_factory([503, 500])
    (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, receiver.url, {"a": 1})])
    first = webhook_attempt(delivery_id=pk)
    second = webhook_attempt(delivery_id=pk)
    assert (first.status, first.retry_in) == ("retrying", 30)
    assert (second.status, second.retry_in) == ("retrying", 60)
    assert webhook_attempt(delivery_id=pk).status == "delivered"
    assert webhook_attempt(delivery_id=pk).status == "delivered"  # final: not sent again
    assert len(receiver.requests) == 3
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.attempts == 3 and delivery.last_error == ""

    always_down = receiver_factory([503] * 10)
    (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, always_down.url, {"a": 1})])
    for _ in range(MAX_ATTEMPTS):
        attempt = webhook_attempt(delivery_id=pk)
    assert attempt.status == "failed" and attempt.retry_in is None
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert (delivery.attempts, delivery.last_error) == (MAX_ATTEMPTS, "HTTP 503")


def test_a_private_address_is_refused_at_send_time_even_if_it_was_saved(
    alice, receiver_factory, settings
):
    receiver = receiver_factory()
    settings.WEBHOOK_ALLOW_PRIVATE = True
    (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, receiver.url, {"a": 1})])
    settings.WEBHOOK_ALLOW_PRIVATE = False
    assert deliver_webhook.apply(args=[pk]).get() == "refused"
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.status == "refused" and "HTTPS" in delivery.last_error
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.1.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://100.64.0.1/hook",
        "https://printer.local/hook",
        "http://example.org/hook",
        "ftp://example.org/hook",
        "https://user:pw@example.org/hook",
        "https://2130706433/hook",
        "https://0x7f000001/hook",
        "https://127.1/hook",
        "https://0177.0.0.1/hook",
        "https://169.254.169.254./latest",
        "https://exa mple.org/hook",
        "https://hooks..example.org/hook",
        "https://-hooks.example.org/hook",
        "https://hooks_1.example.org/hook",
        "https://example.org:99999/hook",
    ],
)
def test_urls_inside_the_network_or_not_https_are_refused(url):
    with pytest.raises(WebhookRefused):
        webhook_url_check(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://2130706433/hook", "four decimal numbers"),
        ("https://0177.0.0.1/hook", "four decimal numbers"),
        ("https://exa mple.org/hook", "valid host name"),
    ],
)
def test_numeric_and_malformed_hosts_are_refused_with_a_message_saying_why(url, message):
    with pytest.raises(WebhookRefused, match=message):
        webhook_url_check(url)


def resolver(monkeypatch, *answers):
    """Stub the resolver: an address answers itself, as the real one does; a name answers the
    next answer (an address or a list of them) at each lookup, the last one forever. Returns
    the hosts looked up."""
    calls, names = [], []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            names.append(host)
            answer = answers[min(len(names), len(answers)) - 1]
            addresses = [answer] if isinstance(answer, str) else answer
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


EMBEDDED_PRIVATE_IPV4 = [
    "64:ff9b::a00:5",  # NAT64 (RFC 6052): 10.0.0.5 through the network's translator
    "64:ff9b::a9fe:a9fe",  # NAT64: the cloud metadata address 169.254.169.254
    "2002:a00:5::1",  # 6to4: 10.0.0.5
    "2002:7f00:1::1",  # 6to4: 127.0.0.1
    "::a00:5",  # IPv4-compatible (deprecated): 10.0.0.5
    "::127.0.0.1",
]


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE_IPV4)
def test_it_rejects_an_ipv6_address_that_carries_a_private_ipv4_address(address):
    """Python counts these IPv6 forms as global, but a NAT64 gateway or a 6to4 relay takes
    them to the IPv4 address inside: a way into the private network."""
    with pytest.raises(WebhookRefused, match="private network"):
        webhook_url_check(f"https://[{address}]/hook")


@pytest.mark.parametrize("address", ["::1", "::a00:5", "64:ff9b::a9fe:a9fe"])
def test_the_refusal_names_the_address_as_it_was_written(address):
    with pytest.raises(WebhookRefused) as refused:
        webhook_url_check(f"https://[{address}]/hook")
    assert str(refused.value) == f"This address is inside a private network ({address})."


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE_IPV4)
def test_it_rejects_a_name_resolving_to_an_ipv6_address_carrying_a_private_one(
    monkeypatch, address
):
    resolver(monkeypatch, address)
    with pytest.raises(WebhookRefused, match="private network"):
        webhook_url_resolve("https://hooks.example.org/x")


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "2606:4700::1"])
def test_an_ipv6_address_carrying_a_public_ipv4_address_is_still_allowed(monkeypatch, address):
    resolver(monkeypatch, address)
    assert webhook_url_resolve("https://hooks.example.org/x")[1] == [address]


def test_a_name_resolving_to_a_private_address_is_refused_at_send_time(monkeypatch):
    resolver(monkeypatch, "10.0.0.5")
    assert webhook_url_check("https://hooks.example.org/x") == "https://hooks.example.org/x"
    with pytest.raises(WebhookRefused, match="private network"):
        webhook_url_resolve("https://hooks.example.org/x")


def refused_connections(monkeypatch) -> list[str]:
    """Stub the socket connection, resolving like the real one, refusing; returns the
    addresses it was asked to reach."""
    connected = []

    def create_connection(address, *args, **kwargs):
        host, port = address
        connected.append(socket.getaddrinfo(host, port)[0][4][0])
        raise ConnectionRefusedError("stub: no network in tests")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return connected


def test_a_name_rebinding_to_loopback_after_the_check_is_never_connected_to(alice, monkeypatch):
    """The real httpx/httpcore stack down to the socket: only resolver and socket are stubbed."""
    lookups = resolver(monkeypatch, "93.184.216.34", "127.0.0.1")
    connected = refused_connections(monkeypatch)
    (pk,) = webhook_deliveries_create(
        deliveries=[(alice.pk, "https://rebind.example.org/hook", {"a": 1})]
    )
    assert webhook_attempt(delivery_id=pk).status == "retrying"
    assert connected == ["93.184.216.34"]
    assert lookups == ["rebind.example.org", "93.184.216.34"]  # the name once; then the address
    assert "ConnectError" in WebhookDelivery.objects.get(pk=pk).last_error


def test_each_checked_address_is_tried_in_turn_and_never_the_name_again(alice, monkeypatch):
    resolver(monkeypatch, ["2606:4700:4700::1111", "93.184.216.34"], "127.0.0.1")
    connected = refused_connections(monkeypatch)
    (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, "https://two.example.org/", {})])
    assert webhook_attempt(delivery_id=pk).status == "retrying"
    assert connected == ["2606:4700:4700::1111", "93.184.216.34"]


def test_a_delivery_goes_to_the_checked_address_with_the_name_in_host_and_tls(alice, monkeypatch):
    lookups = resolver(monkeypatch, "93.184.216.34", "127.0.0.1")
    (pk,) = webhook_deliveries_create(
        deliveries=[(alice.pk, "https://hooks.müller.example:8443/hook?k=v", {"a": 1})]
    )
    with respx.mock() as router:
        route = router.post("https://93.184.216.34:8443/hook?k=v").respond(204)
        assert webhook_attempt(delivery_id=pk).status == "delivered"
    (call,) = route.calls
    assert lookups == ["hooks.xn--mller-kva.example"]
    assert call.request.headers["Host"] == "hooks.xn--mller-kva.example:8443"
    assert call.request.extensions["sni_hostname"] == "hooks.xn--mller-kva.example"
    secret = webhook_settings_get(user=alice).secret
    digest = hmac.new(secret.encode(), call.request.content, hashlib.sha256).hexdigest()
    assert call.request.headers["X-Aicrash-Signature"] == f"sha256={digest}"
    assert WebhookDelivery.objects.get(pk=pk).response_status == 204


def test_a_redirect_is_not_followed(alice, monkeypatch):
    resolver(monkeypatch, "93.184.216.34")
    (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, "https://hooks.example.org/", {})])
    with respx.mock() as router:
        router.post("https://93.184.216.34/").respond(
            307, headers={"Location": "https://10.0.0.1/"}
        )
        assert webhook_attempt(delivery_id=pk).status == "failed"
    assert WebhookDelivery.objects.get(pk=pk).last_error == "HTTP 307"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https:///hook", "hooks.example.org/in"])
def test_a_url_without_a_host_is_refused_as_not_a_url_not_for_credentials(url):
    with pytest.raises(WebhookRefused) as refused:
        webhook_url_check(url)
    assert "credentials" not in str(refused.value)
    assert "URL" in str(refused.value)


class DrippingReceiver:
    """A local endpoint that answers 200 at once, then sends its body a byte at a time, with
    a pause between bytes shorter than the read timeout (a malicious or broken endpoint)."""

    def __init__(self, seconds: float):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(200)
                self.send_header("Content-Length", str(10**9))
                self.end_headers()
                for _ in range(int(seconds / 0.05)):
                    try:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    except OSError:
                        return  # the client hung up: the point of the test
                    time.sleep(0.05)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_it_does_not_wait_for_the_body_of_an_endpoint_that_never_finishes_it(alice, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver = DrippingReceiver(seconds=4)
    try:
        (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, receiver.url, {"a": 1})])
        started = time.monotonic()
        attempt = webhook_attempt(delivery_id=pk)
        elapsed = time.monotonic() - started
    finally:
        receiver.close()
    assert attempt.status == "delivered"
    assert elapsed < 2, f"the worker waited {elapsed:.1f} s for a body nobody reads"
    assert WebhookDelivery.objects.get(pk=pk).response_status == 200


def test_the_delivery_task_has_a_time_limit_for_endpoints_that_answer_too_slowly():
    # Each read waits at most 10 s, but an endpoint sending its status line and headers a
    # byte every few seconds would hold a worker for hours without a limit on the whole task.
    assert 0 < deliver_webhook.soft_time_limit < deliver_webhook.time_limit <= 120


def test_an_attempt_cut_by_the_time_limit_is_retried_later(alice, monkeypatch):
    resolver(monkeypatch, "93.184.216.34")
    (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, "https://hooks.example.org/", {})])
    with respx.mock() as router:
        router.post("https://93.184.216.34/").mock(side_effect=SoftTimeLimitExceeded())
        attempt = webhook_attempt(delivery_id=pk)
    assert (attempt.status, attempt.retry_in) == ("retrying", 30)
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert (delivery.status, delivery.attempts) == ("retrying", 1)
    assert "time limit" in delivery.last_error


# Inside networks, yet counted as global by the ipaddress module of Python before 3.12.4
# (the machines run 3.11): the IANA special-purpose registries say not globally reachable.
NOT_GLOBAL_BY_IANA = [
    "fec0::1",  # IPv6 site-local (deprecated, still routed inside some networks)
    "64:ff9b:1::a9fe:a9fe",  # local-use NAT64 prefix (RFC 8215): the metadata address
    "::ffff:0:a9fe:a9fe",  # IPv4-translated (SIIT, RFC 2765): the metadata address
    "::ffff:0:7f00:1",  # IPv4-translated: 127.0.0.1
    "192.0.0.8",  # IETF protocol assignments (192.0.0.0/24)
    "192.0.0.100",
    "3fff::1",  # documentation (RFC 9637)
    "5f00::1",  # SRv6 segment identifiers (RFC 9602)
]


@pytest.mark.parametrize("address", NOT_GLOBAL_BY_IANA)
def test_an_address_not_globally_reachable_is_refused_even_where_python_calls_it_global(
    monkeypatch, address
):
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(WebhookRefused, match="private network"):
        webhook_url_check(f"https://{host}/hook")
    resolver(monkeypatch, address)
    with pytest.raises(WebhookRefused, match="private network"):
        webhook_url_resolve("https://hooks.example.org/x")


@pytest.mark.parametrize("address", ["192.0.0.9", "192.0.0.10", "::ffff:0:808:808"])
def test_the_globally_reachable_exceptions_next_to_those_ranges_stay_allowed(monkeypatch, address):
    resolver(monkeypatch, address)
    assert webhook_url_resolve("https://hooks.example.org/x")[1] == [address]


def test_a_refused_delivery_says_why_in_its_owners_language(bob, monkeypatch):
    """The reason is shown on the owner's alerts page; the worker wrote it in the site's
    default language, so a French reader saw "This address is inside a private network"."""
    bob.preferred_language = "fr"
    bob.save(update_fields=["preferred_language"])
    resolver(monkeypatch, "10.0.0.5")
    (pk,) = webhook_deliveries_create(deliveries=[(bob.pk, "https://hooks.example.org/x", {})])
    assert webhook_attempt(delivery_id=pk).status == "refused"
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.last_error == "Cette adresse est dans un réseau privé (10.0.0.5)."
