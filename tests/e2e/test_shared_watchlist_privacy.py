"""A shared watchlist's address is its secret: nothing on its page hands it to another site."""

import re

from playwright.sync_api import Page, expect


def test_the_shared_watchlist_page_gives_its_secret_address_to_no_other_site(
    page: Page, live_server, demo
):
    from django.contrib.auth import get_user_model

    from watchlists.services import watchlist_add_token, watchlist_create, watchlist_share_set

    owner = get_user_model().objects.create_user("ines", "ines@example.org", "pw-12345678")
    watchlist = watchlist_create(owner=owner, name="AI bags")
    watchlist_add_token(
        watchlist=watchlist,
        symbol="TAO",
        lots=[{"quantity": "10", "cost_basis_usd": "214.13", "purchased_at": "2026-01-20"}],
    )
    watchlist_share_set(watchlist=watchlist, is_public=True)
    token = watchlist.share_token

    page.goto(f"{live_server.url}/watchlists/shared/{token}/")
    expect(page.locator("#value-chart")).to_have_attribute("data-points", re.compile(r"^[1-9]"))

    # The chart library's logo linked to tradingview.com with ?utm_source=<host><path>, the
    # share token included; the attribution it requires is a plain link under the chart.
    leaks = page.locator(f"a[href*='{token}']:not([href^='/'])")
    assert leaks.count() == 0, leaks.first.get_attribute("href")
    credit = page.locator("#value-chart ~ .chart-note a[href='https://www.tradingview.com/']")
    expect(credit).to_have_count(1)
