"""Set-up of the watchlist page tests: signed-in clients, a list with positions valued by hand
(the same figures as tests/watchlists/test_selectors.py), and htmx request headers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.watchlists.conftest import TAO_QUOTES, at, lot, prices
from watchlists import services
from watchlists.models import Lot, Watchlist, WatchlistItem

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# browser tests themselves are still plain synchronous code (as in tests/e2e/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/watchlists/"}
FRENCH = {"Accept-Language": "fr"}


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The French pages need the compiled catalogue (`make install` compiles it too)."""
    for po in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            call_command("compilemessages", locale=[po.parent.parent.name], verbosity=0)


@pytest.fixture
def client_as():
    """client_as(user): a test client signed in as the user (None: anonymous)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def alice_client(client_as, alice):
    return client_as(alice)


@pytest.fixture
def bags(frozen, alice_list, tao, btc, icp):
    """Alice's "AI bags": TAO held (2 at 95 $ bought 2026-02-04, 1 at 130 $ bought 2026-02-05;
    worth 3 x 99 = 297 $ now, peak 450 $, so -34 % from peak; cost 320 $, P&L -23 $ =
    -7.1875 %), BTC watched at 64,000 $ with a note, ICP held (1 at 10 $) without a price."""
    prices(tao, [(at(moment), price) for moment, price in TAO_QUOTES])
    prices(btc, [(at("2026-02-06T12:00"), 64_000.0)])
    services.watchlist_add_token(
        watchlist=alice_list, symbol="TAO", note="my secret plan",
        lots=[lot("2", "95", "2026-02-04"), lot("1", "130", "2026-02-05")],
    )  # fmt: skip
    services.watchlist_add_token(watchlist=alice_list, symbol="BTC", note="benchmark")
    services.watchlist_add_token(watchlist=alice_list, symbol="ICP", lots=[lot("1", "10")])
    return alice_list


def snapshot() -> tuple:
    """Everything the watchlist pages can change, to check that a refused request changed
    nothing."""
    return (
        sorted(
            Watchlist.objects.values_list(
                "owner_id", "name", "position", "is_public", "share_token", "show_amounts"
            )
        ),
        sorted(
            WatchlistItem.objects.values_list("watchlist_id", "token__symbol", "position", "note")
        ),
        sorted(Lot.objects.values_list("item_id", "quantity", "cost_basis_usd", "purchased_at")),
    )


# --- Browser tests (Playwright driving Debian's Chromium, as in tests/e2e) --------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]  # fmt: skip
needs_browser = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("AICRASH_REQUIRE_SERVICES"),
    reason=f"needs Debian's chromium at {CHROMIUM}",
)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def signed_in_page(page, live_server, transactional_db, alice):
    """A browser page signed in as alice (her session cookie, made by the test client)."""
    client = Client()
    client.force_login(alice)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return page
