"""The registry of messages written when read: what a renderer gives is plain text."""

from __future__ import annotations

import pytest
from django.utils.safestring import SafeData, mark_safe

from notifications import messages
from notifications.services import notification_create

pytestmark = pytest.mark.django_db


def test_a_title_a_renderer_marks_safe_is_still_escaped_on_the_inbox(client, alice, monkeypatch):
    monkeypatch.setitem(messages._renderers, "tests.safe", lambda params: mark_safe(params["t"]))
    notification = notification_create(
        user=alice, kind="alert", title="stored", message_key="tests.safe", params={"t": "<b>x</b>"}
    )
    assert not isinstance(notification.display_title, SafeData)
    client.force_login(alice)

    html = client.get("/notifications/").content.decode()

    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_a_message_key_longer_than_its_column_is_refused_when_registered():
    with pytest.raises(ValueError, match="message key"):
        messages.message_register("k" * 65, lambda params: "")
