"""The token page embeds no chart data: the browser loads the page's range on arrival."""

import re

from playwright.sync_api import Page, expect


def test_the_price_chart_loads_the_pages_range_and_leaves_the_address_alone(
    page: Page, live_server, demo
):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/tokens/TAO/?range=7d")

    chart = page.locator("#price-chart")
    expect(chart).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    expect(chart).to_have_attribute("data-current-range", "7d")
    expect(page.locator("#underwater-chart")).to_have_attribute(
        "data-points", chart.get_attribute("data-points")
    )
    assert f"{live_server.url}/tokens/TAO/chart.json?range=7d" in requests
    assert page.url == f"{live_server.url}/tokens/TAO/?range=7d"


def test_without_a_range_the_chart_shows_30_days_and_the_address_gets_none(
    page: Page, live_server, demo
):
    page.goto(f"{live_server.url}/tokens/TAO/")
    chart = page.locator("#price-chart")
    expect(chart).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    assert int(chart.get_attribute("data-points")) > 7 * 24
    assert page.url == f"{live_server.url}/tokens/TAO/"


def test_value_axis_labels_stay_distinct_on_a_narrow_range(page: Page, live_server, demo):
    """Four ticks a cent apart read '$2.11K' four times in compact notation; the axis then
    shows the amounts with their cents. A wide range keeps the compact labels."""
    page.goto(f"{live_server.url}/tokens/TAO/")
    ticks = "(prices) => window.aicrashCharts.moneyTicks(prices)"

    narrow = page.evaluate(ticks, [2111.86, 2111.87, 2111.88, 2111.89])
    wide = page.evaluate(ticks, [1e9, 1.5e9, 2e9])

    assert narrow == ["$2,111.86", "$2,111.87", "$2,111.88", "$2,111.89"]
    assert wide == ["$1B", "$1.5B", "$2B"]


def test_fall_axis_labels_stay_distinct_on_a_flat_fall(page: Page, live_server, demo):
    """A flat fall from the peak (0 %) put '+0.1 %' three times and '0.0 %' four times on
    the axis; more decimals tell the ticks apart."""
    page.goto(f"{live_server.url}/tokens/TAO/")
    ticks = "(values) => window.aicrashCharts.percentTicks(values)"

    flat = page.evaluate(ticks, [0.0008, 0.0006, 0.0004, 0.0002, 0, -0.0002])
    wide = page.evaluate(ticks, [-0.1, -0.2, -0.3])

    assert flat == ["+0.08%", "+0.06%", "+0.04%", "+0.02%", "0.00%", "-0.02%"]
    assert wide == ["-10.0%", "-20.0%", "-30.0%"]
