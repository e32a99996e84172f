"""No page scrolls sideways, at phone, tablet, laptop and desktop widths, signed in or not."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser

from markets.models import Token
from watchlists import services

WIDTHS = [390, 768, 1280, 1920]
PUBLIC = ["/", "/lists/", "/lists/ai/", "/tokens/TAO/", "/tokens/BTC/", "/accounts/login/",
          "/accounts/signup/", "/accounts/password/reset/", "/tokens/TAO/comments/",
          "/api/docs/", "/episodes/", "/episodes/feb-2026/"]  # fmt: skip
SIGNED_IN = ["/", "/lists/ai/", "/tokens/TAO/", "/watchlists/", "/watchlists/{wl}/",
             "/watchlists/{wl}/items/TAO/", "/accounts/profile/", "/accounts/email/",
             "/accounts/password/change/", "/curate/", "/alerts/", "/alerts/new/?token=TAO",
             "/notifications/", "/tokens/TAO/comments/", "/lists/ai/comments/",
             "/moderation/"]  # fmt: skip


@pytest.fixture
def staff_with_a_watchlist(demo):
    user = get_user_model().objects.create_user(
        username="wide", email="wide@example.org", password="pw-wide-12345", is_staff=True
    )
    watchlist = services.watchlist_create(owner=user, name="A rather long watchlist name here")
    for symbol in [t.symbol for t in Token.objects.all()]:
        lots = [{"quantity": "1234.5678", "cost_basis_usd": "99999.99", "purchased_at": None}]
        services.watchlist_add_token(watchlist=watchlist, symbol=symbol, lots=lots)
    return user, watchlist


def overflow(page, url: str) -> list[tuple[str, int, int]]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return [] if sizes[0] <= sizes[1] else [(url, *sizes)]


def test_no_page_is_wider_than_the_screen(browser: Browser, live_server, staff_with_a_watchlist):
    _user, watchlist = staff_with_a_watchlist
    wide = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in PUBLIC:
            wide += [(width, *o) for o in overflow(page, live_server.url + path)]
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_login", "wide@example.org")
        page.fill("#id_password", "pw-wide-12345")
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        for path in SIGNED_IN:
            url = live_server.url + path.format(wl=watchlist.pk)
            wide += [(width, *o) for o in overflow(page, url)]
        context.close()
    assert wide == [], "\n".join(map(str, wide))
