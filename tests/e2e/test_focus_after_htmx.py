"""When htmx replaces the part of the page that held the keyboard focus (a form sent with
its button, a table refreshed by polling), the focus stays where the person can carry on:
on the first field to correct, or on the same control in the new content, never back at
the top of the page, which would make them tab through the whole page again."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.sessions import signed_in_context
from tests.factories import TokenFactory
from watchlists import services

# Focus moves once htmx has settled the new content, a moment after it shows.
FOCUS_INSIDE = "id => document.getElementById(id).contains(document.activeElement)"


@pytest.fixture
def ines_page(browser: Browser, live_server, transactional_db):
    from django.contrib.auth import get_user_model

    TokenFactory(symbol="TAO", name="Bittensor")
    user = get_user_model().objects.create_user("ines", "ines@example.org", "pw-12345678")
    watchlist = services.watchlist_create(owner=user, name="AI bags")
    item = services.watchlist_add_token(watchlist=watchlist, symbol="TAO")
    services.lot_add(item=item, quantity=Decimal("2"), cost_basis_usd=Decimal("300"))
    context = signed_in_context(browser, live_server, user, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/watchlists/{watchlist.pk}/items/TAO/")
    yield page
    context.close()


def send_with_the_button(page: Page, form: str) -> None:
    page.locator(f"{form} [type=submit]").focus()
    page.keyboard.press("Enter")


def test_a_refused_lot_puts_the_focus_on_the_first_field_to_correct(ines_page: Page):
    page = ines_page
    page.fill("#id_quantity", "-3")
    page.fill("#id_cost_basis_usd", "300")
    send_with_the_button(page, "form[hx-post$='/lots/']")

    expect(page.locator("#id_quantity")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_quantity")).to_be_focused()


def test_an_added_lot_leaves_the_focus_on_the_add_button_for_the_next_one(ines_page: Page):
    page = ines_page
    page.fill("#id_quantity", "1")
    page.fill("#id_cost_basis_usd", "250")
    send_with_the_button(page, "form[hx-post$='/lots/']")

    expect(page.locator("#position table.wl-lots tbody tr")).to_have_count(2)
    expect(page.locator("form[hx-post$='/lots/'] [type=submit]")).to_be_focused()


def test_removing_a_lot_leaves_the_focus_inside_the_position_not_at_the_top(ines_page: Page):
    page = ines_page
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    send_with_the_button(page, "#position table.wl-lots")

    expect(page.locator("#position table.wl-lots tbody")).to_contain_text("No lots yet")
    page.wait_for_function(FOCUS_INSIDE, arg="position", timeout=3000)
    assert asked == ["Remove the lot of 2?"]


def test_sorting_from_the_keyboard_leaves_the_focus_on_the_column_header(
    page: Page, live_server, transactional_db
):
    from markets.models import TokenList, TokenListMembership

    ai = TokenList.objects.create(slug="ai", name="AI tokens", is_public=True)
    for position, symbol in enumerate(["TAO", "NEAR"]):
        TokenListMembership.objects.create(
            token_list=ai, token=TokenFactory(symbol=symbol), position=position
        )
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/lists/ai/")
    page.locator("#members th a[href*='sort=price_usd']").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"sort=price_usd"))
    expect(page.locator("#members th a[href*='sort=price_usd']")).to_be_focused()


def test_a_reply_sent_from_the_keyboard_leaves_the_focus_in_its_comment(
    browser: Browser, live_server, transactional_db
):
    from django.contrib.auth import get_user_model

    from discussions.services.comments import comment_create

    tao = TokenFactory(symbol="TAO", name="Bittensor")
    users = get_user_model().objects
    marc = users.create_user("marc", "marc@example.org", "pw-12345678")
    ines = users.create_user("ines", "ines@example.org", "pw-12345678")
    comment = comment_create(author=marc, body="TAO at 147 $: buying?", token=tao)
    context = signed_in_context(browser, live_server, ines, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/tokens/TAO/comments/")
    article = page.locator(f"#comment-{comment.pk}")
    article.locator("> details > summary").click()
    article.locator("textarea[name=body]").fill("Not yet.")
    send_with_the_button(page, f"#comment-{comment.pk} > details form")

    expect(article.locator(".comment--reply")).to_contain_text("Not yet.")
    page.wait_for_function(FOCUS_INSIDE, arg=f"comment-{comment.pk}", timeout=3000)
    context.close()


def test_an_action_the_server_refuses_says_so_instead_of_doing_nothing(ines_page: Page):
    # Removed meanwhile in another tab: the Remove button's request answers 404.
    page = ines_page
    page.goto(page.url.replace("/items/TAO/", "/"))
    from watchlists.models import Watchlist

    services.watchlist_remove_token(watchlist=Watchlist.objects.get(), symbol="TAO")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#live tr[data-symbol=TAO] form[action$='/remove/'] button").click()

    failed = page.get_by_role("alert")
    # The 404 answer can wait behind the other test process's work on a 2-core machine.
    expect(failed).to_be_visible(timeout=20_000)
    expect(failed).to_contain_text("Reload")
    expect(failed).to_contain_text("404")


def test_moving_a_token_to_the_top_leaves_the_focus_on_that_token_s_other_move_button(
    browser: Browser, live_server, transactional_db
):
    """Its "up" button is disabled once it is first: the focus fell on the button at the same
    place, "Move TAO up", so the next Enter moved another token."""
    from django.contrib.auth import get_user_model

    TokenFactory(symbol="TAO", name="Bittensor")
    TokenFactory(symbol="NEAR", name="NEAR Protocol")
    user = get_user_model().objects.create_user("ines", "ines@example.org", "pw-12345678")
    watchlist = services.watchlist_create(owner=user, name="AI bags")
    for symbol in ("TAO", "NEAR"):
        services.watchlist_add_token(watchlist=watchlist, symbol=symbol)
    context = signed_in_context(browser, live_server, user, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/watchlists/{watchlist.pk}/")
    page.get_by_role("button", name="Move NEAR up").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#items-table tbody tr").first).to_have_attribute("data-symbol", "NEAR")
    expect(page.get_by_role("button", name="Move NEAR down")).to_be_focused()
    context.close()
