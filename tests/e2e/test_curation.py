"""Staff curate the `ai` list in a real browser: drag to reorder, the keyboard alternative,
a coin from the catalogue with its backfill progress, and the French name in French."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aicrash_site.celery import app
from markets.models import TokenList
from tests.curation.conftest import order

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "curation.png"


@pytest.fixture
def eager_tasks():
    """The backfill runs inside the request (no worker in this test)."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", "staff@example.org")
    page.fill("#id_password", "password")
    page.locator("main form [type=submit]").first.click()
    expect(page.locator(".site-nav")).to_contain_text("Curate")


@pytest.mark.parametrize("width", [390, 1280])
def test_staff_reorder_add_a_coin_and_see_the_french_name(
    page: Page, live_server, demo, staff, eager_tasks, width
):
    ai = TokenList.objects.get(slug="ai")
    ai.name_fr = "Tokens IA (FR)"
    ai.save(update_fields=["name_fr"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/curate/")
    section = page.locator("#list-ai")
    first, second = order(ai)[:2]

    # Drag the second row's handle above the first one.
    section.locator(f"tr[data-symbol={second}] .cur-handle").drag_to(
        section.locator(f"tr[data-symbol={first}] .cur-handle")
    )
    expect(page.locator("#list-ai")).to_contain_text("New order saved.")
    assert order(ai)[:2] == [second, first]

    # The keyboard alternative: focus "Move … down" and press Enter.
    button = page.locator("#list-ai").get_by_role("button", name=f"Move {second} down")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#list-ai tbody tr:first-child[data-symbol={first}]")).to_be_visible()
    assert order(ai)[:2] == [first, second]

    # A coin from the (offline demo) catalogue, added with its backfill to completion. The
    # reorder's swap must have landed first, or it would replace the search box being typed in.
    page.wait_for_load_state("networkidle")
    page.locator("#list-ai input[name=q]").fill("ethereum")
    page.locator("#list-ai input[name=q]").press("Enter")  # searches at once (the form's submit)
    page.locator("#results-ai").get_by_role("button", name="Add to the list").click()
    job = page.locator("#list-ai .cur-job")
    expect(job).to_have_attribute("data-status", "done", timeout=20_000)
    expect(job.locator("progress")).to_have_attribute("value", "100")
    assert order(ai)[-1] == "ETH"
    if width == 1280:
        page.locator("#list-ai").screenshot(path=str(SCREENSHOT))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # French visitors read the French name.
    page.goto(f"{live_server.url}/i18n/switch/?language=fr&next=/lists/ai/")
    expect(page.locator("h1")).to_contain_text("Tokens IA (FR)")
