"""The live refresh of the dashboard's rows keeps what the visitor chose in them."""

from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from tests.e2e.sessions import signed_in_context
from watchlists.services import watchlist_create


def test_a_watchlist_chosen_in_a_row_survives_the_live_refresh(
    browser: Browser, live_server, demo, settings
):
    settings.LIVE_POLL_SECONDS = 1
    user = get_user_model().objects.create_user("ines", "ines@example.org", "pw-12345678")
    watchlist_create(owner=user, name="Long term")
    chosen = watchlist_create(owner=user, name="Crash bag")
    context = signed_in_context(browser, live_server, user)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    choice = page.locator("#members tr[data-symbol=NEAR] select[name=watchlist]")
    choice.select_option(str(chosen.pk))

    for _ in range(2):  # two refreshes of the rows
        with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
            pass

    # The rows were swapped: the choice used to fall back to the first watchlist, so
    # "Add to watchlist" put NEAR in "Long term".
    expect(choice).to_have_value(str(chosen.pk))
    context.close()
