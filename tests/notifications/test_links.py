"""A notification links only to a page of this site: a ``javascript:`` or off-site url is never
rendered as a link (inbox, digest email, API), whoever made the row."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from notifications.services import digests_send, notification_create

pytestmark = pytest.mark.django_db
BAD_URLS = [
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/",
    "/\\evil.example/",
    "https://evil.example/",
    "tokens/TAO/",
]


def stored(user, url: str) -> Notification:
    """A row written straight to the table, as an older release or another app could have."""
    return Notification.objects.create(
        user=user, kind="alert", title="TAO fell", url=url, created_at=timezone.now()
    )


@pytest.mark.parametrize("url", BAD_URLS)
def test_it_refuses_to_store_a_url_that_is_not_a_site_path(alice, url):
    assert notification_create(user=alice, kind="alert", title="t", url=url).url == ""


def test_it_keeps_a_site_path_with_its_query_and_fragment(alice):
    url = "/tokens/TAO/?at=2026-02-06T00:00Z#comment-3"
    assert notification_create(user=alice, kind="alert", title="t", url=url).url == url


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_inbox_never_renders_a_stored_bad_url_as_a_link(client, alice, url):
    stored(alice, url)
    client.force_login(alice)
    page = client.get("/notifications/").content.decode()
    assert "TAO fell" in page
    assert "evil.example" not in page and "alert(1)" not in page


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_api_gives_an_empty_url_for_a_stored_bad_url(api_client, alice, url):
    stored(alice, url)
    api_client.force_authenticate(alice)
    (item,) = api_client.get("/api/v1/notifications/").json()["results"]
    assert item["title"] == "TAO fell" and item["url"] == ""


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_digest_email_never_carries_a_stored_bad_url(alice, url):
    notification = stored(alice, url)
    digests_send(notification_ids=[notification.pk])
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "evil.example" not in text and "alert(1)" not in text
    assert "TAO fell" in message.body
