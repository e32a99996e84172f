"""The digest's subject is one line whatever the names in it hold, and one user's digest that
cannot be sent never keeps the others' from being sent.

A digest of one notification takes its title as subject, and a title names a list, a token or
a person. The forms refuse line breaks in those names, but a row written before they did, by
a data migration or from a shell, still holds one: Django then refuses the header
(BadHeaderError) and the whole run failed, for every user after it too."""

from __future__ import annotations

import logging
from smtplib import SMTPRecipientsRefused

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from alerts.services import alert_create
from markets.models import TokenListMembership
from notifications.models import Notification
from notifications.services import digests_send, notification_create
from notifications.tasks import send_digests
from tests.factories import TokenListFactory

pytestmark = pytest.mark.django_db


def sent_to(address: str):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def test_a_line_break_in_a_list_name_reaches_the_subject_as_a_space(
    market, btc, tao, alice, bob, django_capture_on_commit_callbacks, monkeypatch
):
    hostile = TokenListFactory(slug="ai", name="AI tokens\r\nBcc: everyone@example.org")
    TokenListMembership.objects.create(token_list=hostile, token=tao, position=0)
    market.tick({tao: 200, btc: 62_000}, hours=0)
    alert_create(
        owner=alice, condition="list_members_down_20", value=1, target="list", list_slug="ai"
    )
    alert_create(owner=bob, condition="less_than", value=60_000, symbol="BTC")
    queued = []
    monkeypatch.setattr(send_digests, "delay", lambda ids: queued.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        market.tick({tao: 150, btc: 59_000}, hours=24)

    assert digests_send(notification_ids=queued[0]) == 2

    message = sent_to("alice@example.org")
    assert message.subject.endswith(
        "AI tokens Bcc: everyone@example.org: 1 member 20 % below its ATH (alert at 1)"
    )
    headers = message.message()
    head = headers.as_string().split("\n\n", 1)[0]  # the body may break lines
    assert headers["Bcc"] is None and "\nBcc:" not in head  # folded, at most
    assert "BTC is less than $60,000.00" in sent_to("bob@example.org").subject
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.parametrize(
    "between",
    ["\n", "\r\n", "\r", "\t\t", "\x0b", "\x0c", "\x1b[31m", "\x85", "\u2028", "\u2029"],
)
def test_a_stored_title_with_a_control_character_is_sent_on_one_line(alice, between):
    """A title from before message keys is the subject as stored."""
    notification = notification_create(user=alice, kind="alert", title=f"BTC{between} crossed")

    assert digests_send(notification_ids=[notification.pk]) == 1

    [message] = mail.outbox
    assert message.subject.endswith("BTC [31m crossed" if between == "\x1b[31m" else "BTC crossed")
    assert message.message()["Subject"] == message.subject


def test_one_users_digest_that_cannot_be_sent_does_not_stop_the_others(alice, bob, charlie, caplog):
    """An address with a line break (written past the forms) cannot be a To header."""
    get_user_model().objects.filter(pk=bob.pk).update(email="bob@example.org\nBcc: x@example.org")
    ids = [
        notification_create(user=user, kind="alert", title=f"BTC for {user.username}").pk
        for user in (alice, bob, charlie)
    ]

    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        assert send_digests.apply(args=[ids]).get() == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "charlie@example.org"]
    unsent = Notification.objects.filter(emailed_at__isnull=True)
    assert list(unsent.values_list("user_id", flat=True)) == [bob.pk]
    assert f"user {bob.pk}" in caplog.text


def test_a_recipient_the_mail_server_refuses_does_not_stop_the_others(
    alice, bob, charlie, monkeypatch
):
    """The refused digest is tried again by the task's retry, alone."""
    from django.core.mail.backends.locmem import EmailBackend

    ids = [
        notification_create(user=user, kind="alert", title=f"BTC for {user.username}").pk
        for user in (alice, bob, charlie)
    ]
    real_send = EmailBackend.send_messages

    def refuse_bob(self, messages):
        for message in messages:
            if message.to == ["bob@example.org"]:
                raise SMTPRecipientsRefused({"bob@example.org": (450, b"mailbox busy")})
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_bob)
    with pytest.raises(SMTPRecipientsRefused):  # an OSError: the task retries
        digests_send(notification_ids=ids)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "charlie@example.org"]

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert digests_send(notification_ids=ids) == 1
    assert mail.outbox[-1].to == ["bob@example.org"]
