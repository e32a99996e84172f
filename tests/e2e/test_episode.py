"""The February 2026 story in a real browser: events as chart markers with their tooltip,
the BTC support band, and the episode page at phone and desktop widths."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "episode.png"
DRAWN = re.compile(r"^[1-9]\d*$")


def marker_positions(page: Page, chart_id: str) -> list[dict]:
    return page.evaluate(f"document.getElementById('{chart_id}').aicrashMarkerXs()")


def test_events_are_markers_on_the_token_chart_with_their_title_on_hover(
    page: Page, live_server, demo
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/tokens/BTC/?range=30d")
    chart = page.locator("#price-chart")
    expect(chart).to_have_attribute("data-points", DRAWN)
    expect(chart).to_have_attribute("data-markers", DRAWN)
    expect(chart).to_have_attribute("data-bands", "1")  # the 58-60 k$ support
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    crash = next(m for m in marker_positions(page, "price-chart") if "18\u00a0%" in m["title"])
    page.mouse.move(box["x"] + crash["x"], box["y"] + box["height"] / 2)
    tooltip = chart.locator(".chart-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Bitcoin loses 18\u00a0% in one session")
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)  # far from every event
    expect(tooltip).to_be_hidden()
    page.locator(".range-switch [data-range='24h']").click()  # no event in the last 24 hours
    expect(chart).to_have_attribute("data-current-range", "24h")
    expect(chart).to_have_attribute("data-markers", "0")


def test_a_tap_on_a_marker_shows_its_title_on_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/tokens/TAO/?range=7d")
    chart = page.locator("#price-chart")
    expect(chart).to_have_attribute("data-markers", DRAWN)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    low = next(m for m in marker_positions(page, "price-chart") if "147" in m["title"])
    page.touchscreen.tap(box["x"] + low["x"], box["y"] + box["height"] / 2)
    expect(chart.locator(".chart-tooltip")).to_contain_text("TAO touches $147")
    context.close()


def test_the_episode_page_fits_phone_and_desktop_widths(browser, live_server, demo):
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/episodes/feb-2026/")
        expect(page.locator("h1")).to_have_text("The February 2026 AI-token crash")
        expect(page.locator("#token-moves tr[data-symbol=TAO]")).to_contain_text("23.41")
        expect(page.locator("#timeline li")).to_have_count(8)
        expect(page.locator("#episode-sector-chart")).to_have_attribute("data-markers", DRAWN)
        expect(page.locator("#episode-btc-chart")).to_have_attribute("data-bands", "1")
        page.wait_for_load_state("networkidle")
        sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1], (width, sizes)
        if width == 1280:
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        context.close()


def test_the_dashboard_links_to_the_episode(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/")
    page.locator(".episode-link a").click()
    expect(page).to_have_url(re.compile(r"/episodes/feb-2026/$"))


def test_the_episode_page_replays_the_market_hour_by_hour(page: Page, live_server, demo):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/episodes/feb-2026/?at=2026-02-04T20:00Z")
    board = page.locator("#replay-board")
    expect(board).to_have_attribute("data-at", "2026-02-04T20:00:00+00:00")
    page.evaluate("window.__sameDocument = true")
    before = board.locator("tr[data-symbol=BTC]").inner_text()
    page.locator("[data-replay-step='1']").click()
    expect(page.locator("#replay-board")).to_have_attribute("data-at", "2026-02-04T21:00:00+00:00")
    expect(page).to_have_url(f"{live_server.url}/episodes/feb-2026/?at=2026-02-04T21:00Z")
    assert page.locator("#replay-board tr[data-symbol=BTC]").inner_text() != before
    assert page.evaluate("window.__sameDocument") is True  # swapped in place, never reloaded
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], sizes
