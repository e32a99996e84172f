"""The watchlists table on a phone: a long name wraps in its cell instead of pushing the
other columns a screen or more to the right."""

from django.contrib.auth import get_user_model
from playwright.sync_api import Browser

from tests.e2e.sessions import signed_in_context
from watchlists.models import NAME_MAX_LENGTH
from watchlists.services import watchlist_create


def test_a_long_unbroken_watchlist_name_wraps_in_the_table_at_390_px(
    browser: Browser, live_server, transactional_db
):
    user = get_user_model().objects.create_user("ines", "ines@example.org", "pw-12345678")
    watchlist_create(owner=user, name="W" * NAME_MAX_LENGTH)
    watchlist_create(owner=user, name="Crash bag")
    context = signed_in_context(browser, live_server, user, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/watchlists/")
    sizes = page.evaluate(
        """() => { const wrap = document.querySelector('#watchlists .table-wrap');
                   const name = wrap.querySelector('tbody th[scope=row]');
                   return [name.getBoundingClientRect().width, wrap.clientWidth]; }"""
    )
    name_width, visible_width = sizes
    assert name_width < visible_width / 2, sizes  # was 1,315 px of an area 329 px wide
    context.close()
