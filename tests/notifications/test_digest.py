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
