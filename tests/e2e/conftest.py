"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import threading
import time
from datetime import UTC, datetime

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# tests themselves are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]  # fmt: skip
DEMO_END = datetime(2026, 2, 6, 12, tzinfo=UTC)


def pytest_collection_modifyitems(config, items):
    """Without Chromium the browser tests are skipped, except in CI where they must run."""
    if os.path.exists(CHROMIUM) or os.environ.get("AICRASH_REQUIRE_SERVICES"):
        return
    skip = pytest.mark.skip(reason=f"needs Debian's chromium at {CHROMIUM}")
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def demo(transactional_db, settings):
    from markets.services.demo import demo_seed

    settings.PRICE_PROVIDER = "demo"
    demo_seed(end=DEMO_END)


class _RequestsInFlight:
    """Counts the live server's requests between Django's request_started and
    request_finished (sent once the response is closed and the connection released)."""

    def __init__(self):
        self.count = 0
        self.last_change = time.monotonic()
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1
            self.last_change = time.monotonic()

    def wait_until_quiet(self, *, quiet=0.1, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.count <= 0 and time.monotonic() - self.last_change >= quiet:
                    return
            time.sleep(0.05)


@pytest.fixture(autouse=True)
def _live_server_quiet_before_flush(request):
    """The page closes before the database is flushed, but the server may still be answering
    a request it sent (a chart or a poll). Its reads then deadlocked with the flush's TRUNCATE
    and failed the test's teardown; waiting for the server to finish keeps the two apart.
    Requesting transactional_db first makes this teardown run between the page's and the
    flush."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.core.signals import request_finished, request_started

    in_flight = _RequestsInFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    try:
        yield
    finally:
        in_flight.wait_until_quiet()
        request_started.disconnect(in_flight.started)
        request_finished.disconnect(in_flight.finished)
