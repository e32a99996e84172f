"""A notification reads in the reader's language, whatever the language it was made in: the
page's on the inbox (and its htmx partial), the request's on the API, the user's saved choice
in the email digest. Rows from before (no message key) keep their stored words."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.services import alert_create
from alerts.words import FIRING_MESSAGE
from discussions import services as discussions
from notifications.models import Notification
from notifications.services import (
    NotificationDraft,
    digests_send,
    notification_create,
    notifications_bulk_create,
)
from tests.factories import TokenListFactory

pytestmark = pytest.mark.django_db

ENGLISH = "BTC is less than $60,000.00 at $59,000.00"
FRENCH = "BTC est sous 60\u202f000,00\xa0$ à 59\u202f000,00\xa0$"  # narrow no-break spaces
INBOX_PARTIAL = {"HX-Request": "true"}


def speak(user, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def fired(market, token, owner, capture) -> Notification:
    """The notification of one firing of ``owner``'s rule, made by the real evaluation."""
    market.tick({token: 62_000})
    alert_create(
        owner=owner,
        condition="less_than",
        value=60_000,
        symbol="BTC",
        target="token",
        frequency="once",
    )
    with capture(execute=False):
        market.tick({token: 59_000})
    return Notification.objects.get(user=owner)


def page_in(client, language: str, **headers) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/notifications/", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_an_alert_made_in_english_reads_in_french_on_the_french_inbox_and_its_partial(
    client, market, btc, alice, django_capture_on_commit_callbacks
):
    notification = fired(market, btc, alice, django_capture_on_commit_callbacks)
    assert notification.title == ENGLISH  # stored as made, for the admin and old readers
    client.force_login(alice)

    for html in (page_in(client, "fr"), page_in(client, "fr", **INBOX_PARTIAL)):
        assert f'<a href="/tokens/BTC/">{FRENCH}</a>' in html
        assert ENGLISH not in html


def test_an_alert_made_in_french_reads_in_english_on_the_english_inbox(
    client, market, btc, alice, django_capture_on_commit_callbacks
):
    speak(alice, "fr")
    notification = fired(market, btc, alice, django_capture_on_commit_callbacks)
    assert notification.title == FRENCH
    client.force_login(alice)

    html = page_in(client, "en")

    assert f'<a href="/tokens/BTC/">{ENGLISH}</a>' in html and FRENCH not in html


def test_the_api_answers_in_the_requests_language(
    api_client, market, btc, alice, django_capture_on_commit_callbacks
):
    fired(market, btc, alice, django_capture_on_commit_callbacks)
    api_client.force_authenticate(alice)

    def title(language: str) -> str:
        response = api_client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE=language)
        return response.json()["results"][0]["title"]

    assert title("fr") == FRENCH
    assert title("en") == ENGLISH


def test_the_digest_follows_the_language_the_user_chose_since(
    market, btc, alice, bob, django_capture_on_commit_callbacks
):
    english = fired(market, btc, alice, django_capture_on_commit_callbacks)
    speak(alice, "fr")  # after the notification was made
    speak(bob, "fr")
    french = fired(market, btc, bob, django_capture_on_commit_callbacks)
    speak(bob, "")  # back to the site's default, English

    assert digests_send(notification_ids=[english.pk, french.pk]) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    to_alice, to_bob = by_recipient["alice@example.org"], by_recipient["bob@example.org"]
    assert to_alice.subject.endswith(FRENCH) and FRENCH in to_alice.body
    assert FRENCH in to_alice.alternatives[0][0] and ENGLISH not in to_alice.body
    assert to_bob.subject.endswith(ENGLISH) and ENGLISH in to_bob.body
    assert FRENCH not in to_bob.alternatives[0][0]


def test_a_notification_without_a_message_key_keeps_its_stored_words(client, api_client, alice):
    notification_create(user=alice, kind="alert", title="Old English words", body="and a body")
    client.force_login(alice)
    html = page_in(client, "fr")
    assert "Old English words" in html and "and a body" in html
    api_client.force_authenticate(alice)
    [row] = api_client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fr").json()["results"]
    assert (row["title"], row["body"]) == ("Old English words", "and a body")


@pytest.mark.parametrize(
    ("key", "params"),
    [
        ("no.such.message", {"anything": 1}),  # its producer went, or a newer release wrote it
        (FIRING_MESSAGE, {"condition": "less_than"}),  # params it cannot write from
        (FIRING_MESSAGE, ["not", "a", "dict"]),
    ],
)
def test_an_unknown_key_or_unusable_params_fall_back_to_the_stored_title(alice, key, params):
    notification_create(
        user=alice, kind="alert", title="Stored words", message_key=key, params=params
    )

    assert Notification.objects.get().display_title == "Stored words"


@pytest.fixture
def hostile_list(db):
    name = "%(target)s 100% {0} <script>alert(1)</script>"
    return TokenListFactory(slug="hostile", name=name, is_public=True)


def test_user_text_in_the_params_is_shown_literally_and_escaped(
    client, api_client, alice, bob, hostile_list, django_capture_on_commit_callbacks
):
    """A list name and a display name are the users' words: never a format string, never HTML."""
    shown = "%(name)s {name} <b>50%</b>"
    get_user_model().objects.filter(pk=bob.pk).update(display_name=shown)
    bob.refresh_from_db()
    top = discussions.comment_create(author=alice, body="Up?", token_list=hostile_list)
    with django_capture_on_commit_callbacks(execute=True):
        discussions.comment_create(
            author=bob, body="<i>%s</i>", token_list=hostile_list, parent=top
        )
    client.force_login(alice)
    api_client.force_authenticate(alice)

    html = page_in(client, "fr")
    assert (
        "%(name)s {name} &lt;b&gt;50%&lt;/b&gt; a répondu à votre commentaire sur "
        "%(target)s 100% {0} &lt;script&gt;alert(1)&lt;/script&gt;"
    ) in html
    assert "<script>alert(1)" not in html and "&lt;i&gt;%s&lt;/i&gt;" in html
    response = api_client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fr")
    [row] = response.json()["results"]
    assert row["title"] == (f"{shown} a répondu à votre commentaire sur {hostile_list.name}")
    assert row["body"] == "<i>%s</i>"


def test_a_reply_made_in_english_reads_in_french_with_the_lists_french_name(
    client, alice, bob, django_capture_on_commit_callbacks
):
    ai = TokenListFactory(slug="ai", name="AI tokens", name_fr="Jetons IA", is_public=True)
    top = discussions.comment_create(author=alice, body="Up?", token_list=ai)
    with django_capture_on_commit_callbacks(execute=True):
        discussions.comment_create(author=bob, body="Down", token_list=ai, parent=top)
    assert Notification.objects.get(user=alice).title == (
        f"{bob.public_name} replied to your comment on AI tokens"
    )
    client.force_login(alice)

    html = page_in(client, "fr")

    assert f"{bob.public_name} a répondu à votre commentaire sur Jetons IA" in html
    assert "AI tokens" not in html


def keyed(user, n: int) -> None:
    params = {"condition": "less_than", "subject": "BTC", "level": 60_000.0, "value": 59_000.0}
    drafts = [
        NotificationDraft(user.pk, "alert", "stored", "", "/tokens/BTC/", FIRING_MESSAGE, params)
        for _ in range(n)
    ]
    notifications_bulk_create(drafts=drafts)


def test_the_inbox_and_the_api_read_keyed_rows_in_the_same_queries_for_5_and_25(
    client, api_client, alice
):
    client.force_login(alice)
    api_client.force_authenticate(alice)
    counts = []
    for n in (5, 20):
        keyed(alice, n)
        with CaptureQueriesContext(connection) as inbox:
            assert FRENCH in page_in(client, "fr")
        with CaptureQueriesContext(connection) as api:
            response = api_client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fr")
            assert response.json()["results"][-1]["title"] == FRENCH
        counts.append((len(inbox), len(api)))
    assert counts[0] == counts[1]
