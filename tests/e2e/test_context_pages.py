"""The context data in a browser: the Fear & Greed gauge on the dashboard, the ai-equities
list and an equity's page, at phone and desktop widths, under the CSP."""

import os

import pytest
from playwright.sync_api import Page

from tests.e2e.test_csp import _violations

PAGES = ["/", "/lists/ai-equities/", "/tokens/AMD/"]
SHOTS = os.environ.get("AICRASH_SHOTS", "")  # a directory to keep screenshots in, if set


@pytest.mark.parametrize("width", [390, 1280])
def test_context_pages_fit_the_screen_and_keep_to_the_csp(page: Page, live_server, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for path in PAGES:
        violations = _violations(page, live_server.url + path)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if violations or scroll > inner:
            problems[path] = (violations, scroll, inner)
        if SHOTS:
            name = path.strip("/").replace("/", "_") or "dashboard"
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)

    assert problems == {}


def test_the_gauge_is_visible_beside_the_sector_card_on_a_desktop(page: Page, live_server, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")

    gauge = page.locator("#fear-greed-card")
    assert gauge.is_visible()
    assert "11/100" in gauge.inner_text()
    sector = page.locator("#sector-card").bounding_box()
    box = gauge.bounding_box()
    assert box["y"] == pytest.approx(sector["y"], abs=2)  # same row of cards
    svg = page.locator(".fear-greed__history svg").bounding_box()
    assert svg["width"] > 200 and svg["height"] > 40
