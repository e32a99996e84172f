"""The digest's subject is one line whatever the names in it hold.

A digest of one notification takes its title as subject, and a title names a list, a token or
a person. The forms refuse line breaks in those names, but a row written before they did, by
a data migration or from a shell, still holds one: Django then refuses the header
(BadHeaderError) and the whole run failed, for every user after it too."""

from __future__ import annotations

import pytest
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
