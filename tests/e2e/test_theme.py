"""The dark theme follows the system setting until the visitor picks one, remembered."""

from playwright.sync_api import Browser, expect


def test_the_theme_follows_the_system_then_the_visitors_choice(browser: Browser, live_server):
    context = browser.new_context(color_scheme="dark", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/lists/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "dark")  # auto, on a dark system
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")

    switch = page.locator("[data-theme-switch]")
    expect(switch).to_have_text("Theme: auto")
    switch.click()
    expect(switch).to_have_text("Theme: dark")
    switch.click()
    expect(switch).to_have_text("Theme: light")
    expect(html).to_have_attribute("data-theme", "light")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background

    page.reload()  # remembered
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
