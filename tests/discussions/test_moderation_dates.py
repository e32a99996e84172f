"""Moderation dates read the way every other page writes them, in the reader's language
("Feb. 6, 2026, 12:00 UTC", "6 février 2026, 12:00 UTC"), not as 2026-02-06 12:00."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import translation

from discussions import services
from discussions.models import ModerationAction, Mute
from tests.discussions.conftest import comment

NOW = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def logged(alice, bob, staff, tao):
    with time_machine.travel(NOW, tick=False):
        posted = comment(alice, "spam")
        services.comment_hide(comment=posted, moderator=staff, reason="spam")
        services.user_mute(user=bob, moderator=staff, days=1, reason="flooding")
    return posted


@pytest.mark.parametrize(
    ("language", "when", "heading"),
    [("en", "Feb. 6, 2026, 12:00 UTC", "When"), ("fr", "6 février 2026, 12:00 UTC", "Quand")],
)
def test_the_moderation_log_dates_its_actions_in_the_readers_language(
    client, logged, staff, language, when, heading
):
    client.force_login(staff)
    html = client.get("/moderation/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert html.count(f'<time datetime="2026-02-06T12:00:00+00:00">{when}</time>') == 2
    assert f'<th scope="col">{heading}</th>' in html  # the date says UTC itself
    assert "2026-02-06 12:00" not in html


def test_an_edited_comment_says_when_in_words_on_hover(client, alice, tao):
    with time_machine.travel(NOW, tick=False):
        posted = comment(alice, "first")
        services.comment_edit(comment=posted, user=alice, body="second")
    html = client.get(f"/comments/{posted.pk}/").content.decode()
    assert 'class="comment__edited" title="Feb. 6, 2026, 12:00 UTC"' in html


def test_the_admin_names_mutes_and_log_entries_with_readable_dates(logged, bob):
    mute, action = Mute.objects.get(), ModerationAction.objects.get(action="hide")
    assert str(mute) == f"Mute of user {bob.pk} until Feb. 7, 2026, 12:00 UTC"
    assert str(action) == "Hide on Feb. 6, 2026, 12:00 UTC"
    with translation.override("fr"):
        assert str(action) == "Masquer le 6 février 2026, 12:00 UTC"
