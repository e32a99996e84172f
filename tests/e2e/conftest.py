"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
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
