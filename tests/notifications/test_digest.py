"""One digest email per user per evaluation run, in the user's language, when opted in."""

from __future__ import annotations

import pytest
from django.core import mail

from alerts.services import alert_create
from notifications.services import digests_send
from notifications.tasks import send_digests

pytestmark = pytest.mark.django_db


def rules(owner, n: int):
    for level in range(n):
        alert_create(
            owner=owner,
            condition="less_than",
            value=60_000 + level,
            symbol="BTC",
            target="token",
            frequency="per_refresh",
        )


def test_many_firings_of_one_run_make_one_email_per_user(
    market, btc, alice, bob, charlie, django_capture_on_commit_callbacks, monkeypatch
):
    bob.preferred_language = "fr"
    bob.save(update_fields=["preferred_language"])
    charlie.email_notifications = False
    charlie.save(update_fields=["email_notifications"])
    market.tick({btc: 62_000})
    rules(alice, 3)
    rules(bob, 2)
    rules(charlie, 1)
    queued = []
    monkeypatch.setattr(send_digests, "delay", lambda ids: queued.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        result = market.tick({btc: 59_000})
    assert result.fired == 6 and len(queued) == 1
    assert digests_send(notification_ids=queued[0]) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"alice@example.org", "bob@example.org"}
    assert "3 alerts triggered" in by_recipient["alice@example.org"].subject
    french = by_recipient["bob@example.org"]
    assert "alertes" in french.subject
    assert "59" in french.body and "/tokens/BTC/" in french.body


SITE = "https://aicrash.example.org"
SETTINGS_URL = f"{SITE}/accounts/profile/#profile"


def one_digest(market, token, owner, capture, monkeypatch):
    """The digest mail of one firing of ``owner``'s rule on ``token``."""
    market.tick({token: 62_000})
    rules(owner, 1)
    queued = []
    monkeypatch.setattr(send_digests, "delay", lambda ids: queued.append(ids))
    with capture(execute=True):
        market.tick({token: 59_000})
    assert digests_send(notification_ids=queued[0]) == 1
    return mail.outbox[0]


def test_the_digest_links_are_absolute_and_lead_to_the_setting_that_stops_it(
    market, btc, alice, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.SITE_URL = SITE
    message = one_digest(market, btc, alice, django_capture_on_commit_callbacks, monkeypatch)
    html = message.alternatives[0][0]
    assert f"{SITE}/tokens/BTC/" in message.body and SETTINGS_URL in message.body
    assert f'href="{SITE}/tokens/BTC/"' in html and f'href="{SETTINGS_URL}"' in html
    assert 'href="/' not in html
    assert "Email me when my alerts trigger" in message.body
    header = message.message()["List-Unsubscribe"]
    assert header.startswith(f"<{SITE}/notifications/unsubscribe/") and header.endswith("/>")
    assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_french_digest_says_how_to_stop_it_in_french(
    market, btc, bob, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.SITE_URL = SITE
    bob.preferred_language = "fr"
    bob.save(update_fields=["preferred_language"])
    message = one_digest(market, btc, bob, django_capture_on_commit_callbacks, monkeypatch)
    assert (
        "décochez «\u202fM\u2019envoyer un e-mail" in message.body and SETTINGS_URL in message.body
    )
    html = message.alternatives[0][0]
    assert f'<a href="{SETTINGS_URL}">les réglages de votre compte</a>' in html


def test_a_retry_after_a_mail_server_error_sends_only_the_digests_not_yet_sent(
    alice, bob, charlie, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    from notifications.services import notification_create

    ids = [
        notification_create(user=user, kind="alert", title=f"BTC for {user.username}").pk
        for user in (alice, bob, charlie)
    ]
    real_send = EmailBackend.send_messages

    def send_then_fail(self, messages):  # the server drops the connection at the 2nd digest
        for message in messages:
            if len(mail.outbox) == 1:
                raise ConnectionResetError("connection reset by peer")
            real_send(self, [message])
        return len(messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_then_fail)
    with pytest.raises(OSError):
        digests_send(notification_ids=ids)
    assert len(mail.outbox) == 1
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert send_digests.apply(args=[ids]).get() == 2  # the retry of the task
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["alice@example.org", "bob@example.org", "charlie@example.org"]
    assert digests_send(notification_ids=ids) == 0  # a third delivery of the task sends nothing
    assert len(mail.outbox) == 3


def _digest_of(user):
    from notifications.services import notification_create

    notification = notification_create(
        user=user, kind="alert", title="BTC crossed down $60,000.00 at $59,850.00", url="/t/"
    )
    assert digests_send(notification_ids=[notification.pk]) == 1
    return mail.outbox[-1]


def test_it_names_the_site_in_the_digest_body_not_only_in_its_subject(alice, settings):
    """Sign-up and reset emails name the site ("aicrash", or SITE_NAME); the digest said only
    "You receive this email because you asked to be emailed", from which site unsaid."""
    settings.SITE_NAME = "Crash watch"
    alice.email_notifications = True
    alice.save(update_fields=["email_notifications"])
    message = _digest_of(alice)
    assert "your alerts on Crash watch trigger" in message.body
    assert "your alerts on Crash watch trigger" in message.alternatives[0][0]


def test_the_french_digest_names_the_site_and_says_its_language(bob, settings):
    settings.SITE_NAME = "Crash watch"
    bob.email_notifications = True
    bob.preferred_language = "fr"
    bob.save(update_fields=["email_notifications", "preferred_language"])
    message = _digest_of(bob)
    assert "quand vos alertes sur Crash watch se déclenchent" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html
    assert "quand vos alertes sur Crash watch se déclenchent" in html
