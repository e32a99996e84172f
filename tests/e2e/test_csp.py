"""Every page under the Content-Security-Policy, in a real browser: not one violation.

The policy allows no inline script or style; a violation shows as a console error and a
``securitypolicyviolation`` event, both collected while each page loads and runs its
scripts (charts, htmx).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

PASSWORD = "correct-horse-battery-42"
ANONYMOUS_PAGES = [
    "/",
    "/lists/",
    "/lists/ai/",
    "/tokens/TAO/",
    "/tokens/BTC/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/api/docs/",
    "/episodes/",
    "/episodes/feb-2026/",
    "/no-such-page/",
]
SIGNED_IN_PAGES = [
    "/",
    "/lists/ai/",
    "/tokens/TAO/",
    "/watchlists/",
    "/watchlists/{pk}/",
    "/watchlists/{pk}/items/TAO/",
    "/watchlists/{pk}/rename/",
    "/watchlists/{pk}/delete/",
    "/watchlists/{pk}/import/",
    "/watchlists/{pk}/search/?q=ta",
    "/watchlists/add/?symbol=TAO",
    "/watchlists/shared/{share}/",
    "/accounts/profile/",
    "/accounts/delete/",
    "/accounts/email/",
    "/accounts/password/change/",
]

WATCH = """() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(
      e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber));
}"""


def _violations(page: Page, url: str) -> list[str]:
    console: list[str] = []
    page.on(
        "console", lambda m: console.append(m.text) if "Content-Security-Policy" in m.text else None
    )
    page.add_init_script(f"({WATCH})()")
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    page.wait_for_load_state("networkidle")
    events = page.evaluate("window.__cspViolations || []")
    return [*console, *events]


@pytest.fixture
def signed_in(page: Page, live_server, demo, settings):
    from accounts.models import User
    from watchlists import services

    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    user = User.objects.create_user(username="ines", email="ines@example.org", password=PASSWORD)
    watchlist = services.watchlist_create(owner=user, name="AI bags")
    item = services.watchlist_add_token(watchlist=watchlist, symbol="TAO")
    services.lot_add(item=item, quantity=Decimal("10"), cost_basis_usd=Decimal("300"))
    watchlist = services.watchlist_share_set(watchlist=watchlist, is_public=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", "ines@example.org")
    page.fill("#id_password", PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    return watchlist


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_violates_the_csp_for_anonymous_visitors(page: Page, live_server, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    found = {url: _violations(page, live_server.url + url) for url in ANONYMOUS_PAGES}

    assert {url: v for url, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_violates_the_csp_for_signed_in_users(page: Page, live_server, signed_in, width):
    page.set_viewport_size({"width": width, "height": 900})
    urls = [u.format(pk=signed_in.pk, share=signed_in.share_token) for u in SIGNED_IN_PAGES]
    found = {url: _violations(page, live_server.url + url) for url in urls}

    assert {url: v for url, v in found.items() if v} == {}


def test_the_policy_allows_no_inline_script_or_style(client, db):
    policy = client.get("/lists/")["Content-Security-Policy"]

    assert "'unsafe-inline'" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy


def test_an_htmx_swap_copies_no_inline_style_onto_the_new_content(
    page: Page, live_server, signed_in
):
    """htmx "settles" a swapped element that keeps its id by first giving it the old one's
    class and style attributes, with setAttribute: an inline style the CSP refuses. Such a
    style is not ours: a password manager's icon in a field, or Playwright's screenshot,
    which hides the caret with one and leaves an empty ``style=""`` behind."""
    console: list[str] = []
    page.on(
        "console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.add_init_script(f"({WATCH})()")
    page.goto(f"{live_server.url}/watchlists/")
    field = page.locator("#id_name")
    field.evaluate("el => { el.style.backgroundImage = 'none'; }")  # through the CSSOM: allowed
    field.fill("Second bag")
    field.press("Enter")

    expect(page.locator("#watchlists")).to_contain_text("Second bag")
    page.wait_for_load_state("networkidle")
    assert [*console, *page.evaluate("window.__cspViolations")] == []
