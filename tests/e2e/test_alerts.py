"""An investor sets the article's BTC 60,000 $ alert in a real browser; a refresh crosses it
and the bell in the navigation shows 1 without a reload."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from tests.factories import TokenFactory


@pytest.fixture
def eager_celery():
    """Evaluation and deliveries run in the process that commits the metrics."""
    from aicrash_site.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def refresh(token, price: float, ts: int) -> None:
    snapshot_ingest(quotes=[Quote(token.pk, ts, price, 1.2e12, 3e10)], source="stub")
    metrics_recompute(token_ids=[token.pk])


def sign_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("width", [1280, 390])
def test_the_btc_preset_fires_on_a_refresh_and_the_bell_shows_it_without_reload(
    page: Page, live_server, transactional_db, settings, eager_celery, width
):
    from django.contrib.auth import get_user_model

    settings.NOTIFICATIONS_POLL_SECONDS = 1
    page.set_viewport_size({"width": width, "height": 900})
    btc = TokenFactory(symbol="BTC", name="Bitcoin", coingecko_id="bitcoin", is_benchmark=True)
    now = int(time.time())
    refresh(btc, 62_000.0, now - 3600)
    user = get_user_model().objects.create_user("ines", "ines@example.org", "pw-12345678")
    sign_in(page, live_server, user)

    page.goto(f"{live_server.url}/alerts/")
    page.click("[data-preset='btc-60k']")
    expect(page.locator("#id_symbol")).to_have_value("BTC")
    expect(page.locator("#id_value")).to_have_value("60000")
    page.get_by_role("button", name="Create the alert").click()
    expect(page.locator("tr[data-rule] th")).to_contain_text("BTC: price crossing down")
    expect(page.locator(".nav-bell__count")).to_have_count(0)

    refresh(btc, 59_850.0, now)  # the next refresh crosses 60,000 $

    expect(page.locator(".nav-bell__count")).to_have_text("1", timeout=15_000)
    page.click("#nav-bell")
    expect(page.locator(".nt-item")).to_contain_text("BTC crossed down $60,000.00 at $59,850.00")


def test_the_alert_form_controls_look_like_the_account_forms(
    page: Page, live_server, transactional_db
):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ines", "ines@example.org", "pw-12345678")
    sign_in(page, live_server, user)
    look = """(sel) => { const s = getComputedStyle(document.querySelector(sel));
                         return [s.paddingLeft, s.borderRadius, s.fontSize]; }"""

    page.goto(f"{live_server.url}/accounts/profile/")
    account = page.evaluate(look, "#id_display_name")
    page.goto(f"{live_server.url}/alerts/new/")

    assert page.evaluate(look, "#id_value") == account
    assert page.evaluate(look, "#id_condition") == account
    page.goto(f"{live_server.url}/alerts/")
    assert page.evaluate(look, "#id_default_url") == account
