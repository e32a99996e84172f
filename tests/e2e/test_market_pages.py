"""What a visitor sees in a real browser: figures, sorting, chart ranges, live prices, French."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from markets.providers.base import ProviderResult, Quote
from markets.services.refresh import prices_refresh

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "dashboard.png"


def symbols_in_order(page: Page) -> list[str]:
    return page.locator("#members tbody tr[data-symbol]").evaluate_all(
        "rows => rows.map(r => r.dataset.symbol)"
    )


def test_the_dashboard_shows_the_demo_figures(page: Page, live_server, demo):
    page.set_viewport_size({"width": 1720, "height": 1000})
    page.goto(f"{live_server.url}/")
    tao = page.locator("#members tr[data-symbol=TAO]")
    expect(tao).to_contain_text("164.00")
    expect(tao).to_contain_text("23.41")
    expect(page.locator("body")).to_contain_text("reconstruction")
    expect(page.locator("#cap-chart")).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_sorting_by_7d_change_reorders_the_rows(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/")
    header = page.locator("#members th a[href*='sort=change_7d']").first
    header.click()
    expect(page).to_have_url(re.compile(r"sort=change_7d"))
    first = symbols_in_order(page)
    header = page.locator("#members th a[href*='sort=change_7d']").first
    header.click()
    page.wait_for_function(
        "first => [...document.querySelectorAll('#members tbody tr[data-symbol]')]"
        ".map(r => r.dataset.symbol).join() !== first",
        arg=",".join(first),
    )
    second = symbols_in_order(page)
    assert second == list(reversed(first))
    assert {first[0], first[-1]} == {"FET", "AKT"}  # -27.8 % and -21.5 %: the extremes


def test_switching_the_chart_range_redraws_it_without_a_reload(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/tokens/TAO/")
    chart = page.locator("#price-chart")
    expect(chart).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    page.evaluate("window.__sameDocument = true")
    page.locator("[data-range='24h']").click()
    expect(chart).to_have_attribute("data-current-range", "24h")
    points_24h = int(chart.get_attribute("data-points"))
    page.locator("[data-range='90d']").click()
    expect(chart).to_have_attribute("data-current-range", "90d")
    points_90d = int(chart.get_attribute("data-points"))
    assert 20 <= points_24h <= 25 and points_90d > points_24h
    assert page.evaluate("window.__sameDocument") is True  # no page load happened
    expect(page.locator("#underwater-chart")).to_have_attribute("data-current-range", "90d")


def test_the_open_dashboard_shows_a_new_price_without_a_reload(
    page: Page, live_server, demo, settings
):
    settings.LIVE_POLL_SECONDS = 1
    page.goto(f"{live_server.url}/")
    page.evaluate("window.__sameDocument = true")
    tao = page.locator("#members tr[data-symbol=TAO]")
    expect(tao).to_contain_text("164.00")

    class NewQuote:
        name = "stub"

        def fetch_latest(self, tokens):
            tao_id = next(t.id for t in tokens if t.symbol == "TAO")
            end = int(demo_end_epoch()) + 3600
            return ProviderResult(quotes=[Quote(tao_id, end, 171.25, 1.6e9, 3e8)])

    assert prices_refresh(provider=NewQuote()).quotes_stored == 1
    expect(tao).to_contain_text("171.25", timeout=10_000)
    assert page.evaluate("window.__sameDocument") is True


def test_the_french_page_shows_french_text_and_numbers(page: Page, live_server, demo):
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    tao = page.locator("#members tr[data-symbol=TAO]")
    expect(tao).to_contain_text("164,00")
    expect(tao).to_contain_text("23,41")
    expect(page.locator("body")).to_contain_text("reconstitution")


def test_the_language_switch_keeps_the_page_as_it_is_now(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/")
    page.locator("#members th a[href*='sort=change_7d']").first.click()
    expect(page).to_have_url(re.compile(r"sort=change_7d"))  # changed by htmx, no reload

    page.locator(".lang-switch a[data-language=fr]").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_url(re.compile(r"/\?sort=change_7d&dir=asc$"))
    expect(page.locator(".lang-switch a[aria-current=true]")).to_have_attribute(
        "data-language", "fr"
    )
    expect(page.locator("#members caption")).to_contain_text("triés par 7 j")


def demo_end_epoch() -> float:
    from tests.e2e.conftest import DEMO_END

    return DEMO_END.timestamp()


def test_back_after_sorting_reloads_the_page_with_its_chart_and_no_csp_violation(
    page: Page, live_server, demo
):
    """htmx put its saved copy of the page back on Back: the chart's inline styles broke
    the CSP (32 violations) and the market-cap chart came back blank over the poll."""
    page.add_init_script(
        "window.__csp = 0; document.addEventListener('securitypolicyviolation',"
        " () => { window.__csp += 1; });"
    )
    page.goto(f"{live_server.url}/")
    expect(page.locator("#cap-chart")).to_have_attribute("data-points", re.compile(r"^[1-9]"))
    page.locator("#members th a[href*='sort=change_7d']").first.click()
    expect(page).to_have_url(re.compile(r"sort=change_7d"))

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__csp") == 0
    assert (
        page.evaluate("document.querySelectorAll('#cap-chart .tv-lightweight-charts').length") == 1
    )
