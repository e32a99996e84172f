"""A browser signed in as a user, through a session the test client made."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext


def signed_in_context(browser: Browser, live_server, user, **options) -> BrowserContext:
    """A new browser context (``options`` as for ``browser.new_context``) carrying a session
    of ``user`` on the live server."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context = browser.new_context(**options)
    context.add_cookies([{"name": name, "value": client.cookies[name].value,
                          "url": live_server.url}])  # fmt: skip
    return context
