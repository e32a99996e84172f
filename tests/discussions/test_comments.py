"""Posting, replying, editing and deleting comments, with their limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.services import account_delete
from discussions import services
from discussions.models import Comment, Mute
from discussions.signals import reply_posted
from tests.discussions.conftest import comment

NOW = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_comment_stores_its_markdown_and_its_sanitised_html(alice, tao):
    posted = services.comment_create(
        author=alice, body="  *Capitulation* on $TAO  \r\n", stance="bearish", token=tao
    )
    assert posted.body == "*Capitulation* on $TAO"
    link = '<a href="/tokens/TAO/" rel="nofollow ugc noopener">$TAO</a>'
    assert posted.body_html == f"<p><em>Capitulation</em> on {link}</p>\n"
    assert posted.stance == "bearish" and posted.state == Comment.State.VISIBLE


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write something first."),
        ("   \n ", "Write something first."),
        ("x" * 5001, "At most 5000 characters (this has 5001)."),
        ("bad\x00", "Null characters are not allowed."),
        ("bell\x07", "Control characters are not allowed (U+0007)."),
        ("rtl\u202e", "Invisible or direction-changing characters are not allowed (U+202E)."),
    ],
)
def test_bad_bodies_are_refused_and_nothing_is_stored(alice, tao, body, message):
    with pytest.raises(ValidationError) as caught:
        services.comment_create(author=alice, body=body, token=tao)
    assert caught.value.message_dict == {"body": [message]}
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "abc &#x202E;gnp.exe",
            "Invisible or direction-changing characters are not allowed (U+202E).",
        ),
        ("&#8203;", "Invisible or direction-changing characters are not allowed (U+200B)."),
        ("a&zwj;b", "Invisible or direction-changing characters are not allowed (U+200D)."),
        ("line&#x2028;break", "Line and paragraph separators are not allowed (U+2028)."),
        ("&nbsp;", "Write something first."),
        ("&nbsp; &#32;\n&emsp;", "Write something first."),
        ("-", "Write something first."),
        (">", "Write something first."),
        ("[](https://example.org)", "Write something first."),
    ],
)
def test_it_refuses_what_entities_or_empty_markup_would_make_invisible_or_blank(
    alice, tao, body, message
):
    with pytest.raises(ValidationError) as caught:
        services.comment_create(author=alice, body=body, token=tao)
    assert caught.value.message_dict == {"body": [message]}
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["\u3164", "\u2800\u2800", "\u3164 \u2800\n\u115f", "\u034f\u17b4\uffa0", "&#x3164;",
     "\u00ad", "- \u2800"],
)  # fmt: skip
def test_it_refuses_a_comment_of_blank_looking_letters_as_a_blank_one(alice, tao, body):
    with pytest.raises(ValidationError) as caught:
        services.comment_create(author=alice, body=body, token=tao)
    assert caught.value.message_dict == {"body": ["Write something first."]}
    assert not Comment.objects.exists()


def test_a_blank_looking_letter_among_words_is_accepted(alice, tao):
    posted = services.comment_create(author=alice, body="\u3164hello \u2800 world", token=tao)
    assert posted.body == "\u3164hello \u2800 world"


def test_entities_shown_as_code_or_ordinary_ones_stay_accepted(alice, tao):
    posted = services.comment_create(
        author=alice, body="`&#8203;` is a zero-width space &amp; &eacute;", token=tao
    )
    assert posted.body_html == (
        "<p><code>&amp;#8203;</code> is a zero-width space &amp; \u00e9</p>\n"
    )


def test_new_lines_count_one_character_each_and_are_stored_as_lf(alice, tao, settings):
    settings.COMMENT_MAX_LENGTH = 10
    posted = services.comment_create(author=alice, body="a\r\nb\rc\r\nd\r\ne", token=tao)
    assert posted.body == "a\nb\nc\nd\ne"
    with pytest.raises(ValidationError) as caught:
        services.comment_create(author=alice, body="abcdef\r\nghij", token=tao)
    assert caught.value.message_dict == {"body": ["At most 10 characters (this has 11)."]}


def test_the_length_limit_comes_from_the_settings(alice, tao, settings):
    settings.COMMENT_MAX_LENGTH = 10
    services.comment_create(author=alice, body="x" * 10, token=tao)
    with pytest.raises(ValidationError):
        services.comment_create(author=alice, body="x" * 11, token=tao)


def test_an_unknown_stance_is_refused(alice, tao):
    with pytest.raises(ValidationError) as caught:
        services.comment_create(author=alice, body="hi", stance="moon", token=tao)
    assert "stance" in caught.value.message_dict


def test_five_comments_a_minute_then_a_clear_refusal_until_the_minute_has_passed(
    alice, tao, frozen
):
    for n in range(5):
        comment(alice, f"c{n}")
    with pytest.raises(services.CommentRateLimited) as caught:
        comment(alice, "sixth")
    assert "at most 5 comments a minute" in caught.value.message
    assert caught.value.retry_after == 61
    assert Comment.objects.count() == 5
    frozen.shift(timedelta(seconds=61))
    comment(alice, "after a minute")


def test_a_hundred_comments_a_day(alice, bob, tao, frozen):
    for n in range(100):
        comment(alice, f"c{n}")
        frozen.shift(timedelta(seconds=13))  # never five within a minute
    with pytest.raises(services.CommentRateLimited) as caught:
        comment(alice, "one too many")
    assert "at most 100 comments a day" in caught.value.message
    comment(bob, "others may still post")
    frozen.shift(timedelta(days=1))
    comment(alice, "the next day")


def test_a_reply_goes_to_a_top_level_visible_comment_of_the_same_thread(alice, bob, tao, near):
    top = comment(alice, "top")
    reply = services.comment_create(author=bob, body="reply", token=tao, parent=top)
    assert reply.parent_id == top.pk
    cases = [
        ({"token": tao, "parent": reply}, "Replies go to a comment, not to a reply."),
        ({"token": near, "parent": top}, "That comment is in another discussion."),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as caught:
            services.comment_create(author=bob, body="x", **kwargs)
        assert caught.value.message_dict == {"parent": [message]}
    services.comment_delete(comment=top, user=alice)
    with pytest.raises(ValidationError) as caught:
        services.comment_create(author=bob, body="x", token=tao, parent=top)
    assert caught.value.message_dict == {"parent": ["That comment is hidden or deleted."]}
    assert Comment.objects.count() == 2


def test_a_reply_to_someone_else_sends_reply_posted_once_committed(
    alice, bob, tao, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, comment, parent, **kwargs):
        received.append((comment.body, parent.pk))

    reply_posted.connect(listener)
    try:
        top = comment(alice, "top")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.comment_create(author=bob, body="reply", token=tao, parent=top)
        assert received == []  # not before the commit
        for callback in callbacks:
            callback()
        assert received == [("reply", top.pk)]
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_create(author=alice, body="my own thread", token=tao, parent=top)
        assert received == [("reply", top.pk)]  # no notice for replying to yourself
    finally:
        reply_posted.disconnect(listener)


def test_the_author_edits_within_fifteen_minutes_and_the_comment_is_marked_edited(
    alice, tao, frozen
):
    posted = comment(alice, "first")
    frozen.shift(timedelta(minutes=15))
    edited = services.comment_edit(comment=posted, user=alice, body="*second*", stance="bullish")
    assert edited.body_html == "<p><em>second</em></p>\n"
    assert edited.edited_at == NOW + timedelta(minutes=15) and edited.stance == "bullish"
    frozen.shift(timedelta(seconds=1))
    with pytest.raises(ValidationError) as caught:
        services.comment_edit(comment=posted, user=alice, body="third")
    assert caught.value.message_dict == {"body": ["Comments can be edited for 15 minutes only."]}
    posted.refresh_from_db()
    assert posted.body == "*second*"


def test_only_the_author_edits_or_deletes(alice, bob, staff, tao):
    posted = comment(alice, "mine")
    for user in (bob, staff):
        with pytest.raises(PermissionDenied):
            services.comment_edit(comment=posted, user=user, body="theirs")
        with pytest.raises(PermissionDenied):
            services.comment_delete(comment=posted, user=user)
    posted.refresh_from_db()
    assert posted.body == "mine" and posted.state == Comment.State.VISIBLE


@pytest.mark.parametrize("state", [Comment.State.HIDDEN, Comment.State.PENDING])
def test_an_author_cannot_erase_a_comment_the_moderators_removed_or_are_reviewing(
    alice, staff, tao, state
):
    posted = comment(alice, "Send 1 TAO to scam.test, get 2 back")
    if state == Comment.State.HIDDEN:
        services.comment_hide(comment=posted, moderator=staff, reason="scam")
    else:
        Comment.objects.filter(pk=posted.pk).update(state=state)
    with pytest.raises(ValidationError) as caught:
        services.comment_delete(comment=posted, user=alice)
    assert caught.value.message_dict == {
        "comment": ["The moderators have this comment: it cannot be deleted now."]
    }
    posted.refresh_from_db()
    assert posted.state == state and posted.body == "Send 1 TAO to scam.test, get 2 back"


def test_deleting_keeps_the_place_and_the_replies_but_not_the_text(alice, bob, tao):
    top = comment(alice, "secret")
    services.comment_create(author=bob, body="reply", token=tao, parent=top)
    services.comment_delete(comment=top, user=alice)
    top.refresh_from_db()
    assert top.state == Comment.State.DELETED and "secret" not in top.body + top.body_html
    assert top.replies.count() == 1


def test_a_muted_user_is_refused_until_the_mute_ends(alice, staff, tao, frozen):
    services.user_mute(user=alice, moderator=staff, days=2, reason="spam")
    with pytest.raises(PermissionDenied) as caught:
        comment(alice, "let me talk")
    assert "muted by the moderators until Feb. 8, 2026, 12:00 UTC" in str(caught.value)
    assert not Comment.objects.exists()
    frozen.shift(timedelta(days=2, seconds=1))
    comment(alice, "back")
    assert Mute.objects.count() == 1


def test_a_muted_user_cannot_rewrite_what_they_posted_just_before_but_can_delete_it(
    alice, staff, tao, frozen
):
    posted = comment(alice, "harmless at first")
    frozen.shift(timedelta(minutes=2))  # still inside the edit window
    services.user_mute(user=alice, moderator=staff, days=2, reason="spam")

    with pytest.raises(PermissionDenied) as caught:
        services.comment_edit(comment=posted, user=alice, body="buy my scam coin")

    assert "muted by the moderators until" in str(caught.value)
    posted.refresh_from_db()
    assert posted.body == "harmless at first" and posted.edited_at is None
    services.comment_delete(comment=posted, user=alice)


def test_deleting_an_account_keeps_its_comments_as_a_deleted_users(alice, bob, tao):
    top = comment(alice, "I stay")
    services.comment_create(author=bob, body="reply", token=tao, parent=top)
    account_delete(user=alice)
    top.refresh_from_db()
    assert top.author is None and top.body == "I stay" and top.replies.count() == 1


def test_a_comment_bumps_the_data_version_once_committed(
    alice, tao, django_capture_on_commit_callbacks
):
    from core.cache import data_version

    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        comment(alice, "news")
    assert data_version() > before


def test_saving_an_edit_with_the_same_text_changes_nothing_and_is_not_marked_edited(
    alice, tao, frozen, django_capture_on_commit_callbacks, monkeypatch
):
    from core.cache import data_version
    from discussions.services import comments as comment_services

    posted = comment(alice, "*same*")
    stored_html = posted.body_html
    frozen.shift(timedelta(minutes=5))
    before = data_version()
    rendered = []
    monkeypatch.setattr(
        comment_services, "markdown_render", lambda body: rendered.append(body) or body
    )

    with django_capture_on_commit_callbacks(execute=True):
        unchanged = services.comment_edit(comment=posted, user=alice, body="  *same*\r\n")
        same_stance = services.comment_edit(comment=posted, user=alice, body="*same*", stance="")

    posted.refresh_from_db()
    assert posted.edited_at is None and unchanged.edited_at is None
    assert same_stance.edited_at is None and posted.body_html == stored_html
    assert rendered == [] and data_version() == before


def test_changing_only_the_stance_is_an_edit_without_rendering_the_text_again(
    alice, tao, frozen, monkeypatch
):
    from discussions.services import comments as comment_services

    posted = comment(alice, "*same*")
    frozen.shift(timedelta(minutes=5))
    rendered = []
    monkeypatch.setattr(
        comment_services, "markdown_render", lambda body: rendered.append(body) or body
    )

    edited = services.comment_edit(comment=posted, user=alice, body="*same*", stance="bearish")

    posted.refresh_from_db()
    assert posted.stance == "bearish" and posted.edited_at == NOW + timedelta(minutes=5)
    assert posted.body_html == "<p><em>same</em></p>\n" and rendered == []
    assert edited.stance == "bearish"
