"""Every page names the favicon, and /favicon.ico (asked for by every browser) finds it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_pages_link_the_favicon_and_the_ico_address_redirects_to_it(client):
    html = client.get("/lists/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
