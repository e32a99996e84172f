"""A position's lot table fits the screen, so each lot's Remove button is in sight without
scrolling the table sideways: on a phone (390 px) as on a desktop, in English and French."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.sessions import signed_in_context
from tests.factories import TokenFactory
from watchlists import services

FITS = """() => {
  const wrap = document.querySelector('#position .table-wrap');
  return [wrap.scrollWidth, wrap.clientWidth, document.documentElement.scrollWidth,
          window.innerWidth];
}"""


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
@pytest.mark.parametrize("width", [390, 1280])
def test_every_lots_remove_button_is_in_sight_without_scrolling_the_table(
    browser: Browser, live_server, transactional_db, width, locale
):
    from django.contrib.auth import get_user_model

    TokenFactory(symbol="TAO", name="Bittensor")
    user = get_user_model().objects.create_user("ines", "ines@example.org", "pw-12345678")
    watchlist = services.watchlist_create(owner=user, name="AI bags")
    item = services.watchlist_add_token(watchlist=watchlist, symbol="TAO")
    # Wide figures: a large fractional quantity, a large cost, and an undated lot.
    services.lot_add(
        item=item,
        quantity=Decimal("1234567.123456789012345678"),
        cost_basis_usd=Decimal("123456.789012345678"),
        purchased_at="2025-12-31",
    )
    services.lot_add(item=item, quantity=Decimal("0.000000000000000001"),
                     cost_basis_usd=Decimal("999999999"))  # fmt: skip
    viewport = {"width": width, "height": 900}
    context = signed_in_context(browser, live_server, user, viewport=viewport, locale=locale)
    page = context.new_page()

    page.goto(f"{live_server.url}/watchlists/{watchlist.pk}/items/TAO/")

    buttons = page.locator("#position table.wl-lots button[type=submit]")
    expect(buttons).to_have_count(2)
    table_scroll, table_width, page_scroll, screen = page.evaluate(FITS)
    assert table_scroll <= table_width, (table_scroll, table_width)
    assert page_scroll <= screen, (page_scroll, screen)
    for index in range(2):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= screen, box
    page.on("dialog", lambda dialog: dialog.accept())  # "Remove the lot of …?"
    buttons.nth(1).click()
    expect(buttons).to_have_count(1)
    context.close()
