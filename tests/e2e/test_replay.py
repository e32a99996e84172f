"""The replay control in a real browser: step, play and drag change the figures in place."""

import pytest
from playwright.sync_api import Page, expect

WIDTHS = [390, 1280]
CSP_WATCH = """() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
}"""


def tao_row(page: Page) -> str:
    return page.locator("#members tr[data-symbol=TAO]").inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_stepping_and_playing_change_the_figures_without_a_reload(
    page: Page, live_server, demo, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(f"({CSP_WATCH})()")
    page.goto(f"{live_server.url}/?at=2026-02-05T14:00Z")
    expect(page.locator("#members .replay-banner")).to_contain_text(
        "As of Feb. 5, 2026, 14:00 UTC (replay)"
    )
    page.evaluate("window.__sameDocument = true")
    before = tao_row(page)

    page.locator("[data-replay-step='1']").click()
    expect(page.locator("#members .replay-banner")).to_have_attribute(
        "data-replay-at", "2026-02-05T15:00Z"
    )
    expect(page).to_have_url(f"{live_server.url}/?at=2026-02-05T15:00Z")
    assert tao_row(page) != before
    expect(page.locator("[data-replay-label]")).to_contain_text("15:00")

    page.locator("[data-replay-step='-1']").click()
    expect(page.locator("#members .replay-banner")).to_have_attribute(
        "data-replay-at", "2026-02-05T14:00Z"
    )
    assert tao_row(page) == before

    page.locator("[data-replay-speed]").select_option("16")
    play = page.locator("[data-replay-play]")
    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        "() => document.querySelector('#members .replay-banner').dataset.replayAt"
        " >= '2026-02-05T18:00Z'"
    )
    play.click()
    expect(play).to_have_attribute("aria-pressed", "false")
    assert tao_row(page) != before
    assert page.evaluate("window.__sameDocument") is True  # never reloaded
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert page.evaluate("window.__cspViolations") == []


def test_dragging_the_slider_shows_that_hour(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/")
    expect(page.locator("#members .replay-banner")).to_have_count(0)  # now: live, no banner
    slider = page.locator("[data-replay-slider]")
    expect(slider).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    # The window is the last 14 days up to 6 Feb 12:00; index 0 is 23 Jan 12:00.
    slider.evaluate("s => { s.value = '0'; s.dispatchEvent(new Event('input', {bubbles: true})) }")
    expect(page.locator("#members .replay-banner")).to_have_attribute(
        "data-replay-at", "2026-01-23T12:00Z"
    )
    expect(page).to_have_url(f"{live_server.url}/?at=2026-01-23T12:00Z")
    assert page.evaluate("window.__sameDocument") is True


def test_without_javascript_the_step_links_still_work(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/?at=2026-02-05T14:00Z")
    expect(page.locator("[data-replay-slider]")).to_be_hidden()
    page.locator("[data-replay-step='1']").click()
    expect(page).to_have_url(f"{live_server.url}/?at=2026-02-05T15:00Z")
    expect(page.locator(".replay-banner")).to_contain_text("15:00 UTC (replay)")
    context.close()


def test_an_hour_refused_as_busy_is_asked_again_without_an_error(page: Page, live_server, demo):
    """A 429 (this address computing other hours, say in another tab) retries the hour after
    Retry-After instead of showing the "action failed" alert."""
    refused = []

    def busy_once(route):
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=429, headers={"Retry-After": "1"}, body="busy")
        else:
            route.continue_()

    page.goto(f"{live_server.url}/?at=2026-02-05T14:00Z")
    page.route("**/?at=2026-02-05T15:00Z", busy_once)
    page.locator("[data-replay-step='1']").click()
    expect(page.locator("#members .replay-banner")).to_have_attribute(
        "data-replay-at", "2026-02-05T15:00Z", timeout=10_000
    )
    assert refused == [f"{live_server.url}/?at=2026-02-05T15:00Z"]
    expect(page.locator("#action-failed")).to_be_hidden()
    expect(page).to_have_url(f"{live_server.url}/?at=2026-02-05T15:00Z")


def test_stepping_back_in_time_keeps_the_tables_sort(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/?sort=change_24h&dir=asc")
    sorted_header = page.locator("#members th[aria-sort=ascending]")
    expect(sorted_header).to_contain_text("24h")

    page.locator("[data-replay-step='-1']").click()
    expect(page.locator("#members .replay-banner")).to_have_attribute(
        "data-replay-at", "2026-02-06T11:00Z"
    )
    expect(page).to_have_url(f"{live_server.url}/?at=2026-02-06T11:00Z&sort=change_24h&dir=asc")
    expect(sorted_header).to_contain_text("24h")  # the table went back to its default order
