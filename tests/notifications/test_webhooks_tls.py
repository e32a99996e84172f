"""A delivery over real TLS to a local server: the socket connects to the address resolved
and checked, while SNI, the Host header and the certificate check keep the URL's name."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from notifications.models import WebhookDelivery
from notifications.services import webhook_deliveries_create
from notifications.webhooks import webhook_attempt

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("openssl"), reason="openssl makes the test certificate"),
]

NAME = "hooks.example.test"


def certificate(directory, name):
    """A self-signed certificate for ``name`` (no other name, no IP address in it)."""
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch, settings):
    """Serve HTTPS on 127.0.0.1 with a certificate for ``served``, trusted by the client; the
    name resolves to 127.0.0.1. Records the SNI and Host received and where sockets connect."""
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on the loopback
    servers, seen = [], {"sni": [], "host": [], "connect": []}
    real_getaddrinfo, real_create_connection = socket.getaddrinfo, socket.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        return real_getaddrinfo("127.0.0.1" if host == NAME else host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        seen["connect"].append(address[0])
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen["host"].append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    def serve(served: str) -> int:
        cert, key = certificate(tmp_path, served)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda _socket, name, _context: seen["sni"].append(name)
        server = HTTPServer(("127.0.0.1", 0), Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_port

    yield serve, seen
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_checked_address_is_reached_with_the_name_in_sni_and_host(alice, tls_receiver):
    serve, seen = tls_receiver
    port = serve(NAME)
    url = f"https://{NAME}:{port}/hook"
    (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, url, {"a": 1})])
    assert webhook_attempt(delivery_id=pk).status == "delivered"
    assert seen == {"sni": [NAME], "host": [f"{NAME}:{port}"], "connect": ["127.0.0.1"]}


def test_a_certificate_for_another_name_is_refused(alice, tls_receiver):
    serve, seen = tls_receiver
    port = serve("other.example.test")
    url = f"https://{NAME}:{port}/hook"
    (pk,) = webhook_deliveries_create(deliveries=[(alice.pk, url, {"a": 1})])
    assert webhook_attempt(delivery_id=pk).status == "retrying"
    assert seen["host"] == [] and seen["connect"] == ["127.0.0.1"]
    error = WebhookDelivery.objects.get(pk=pk).last_error
    assert "CERTIFICATE_VERIFY_FAILED" in error and NAME in error
