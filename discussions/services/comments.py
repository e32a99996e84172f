"""Posting, editing and deleting comments, with their limits."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.cache import data_version_bump, data_version_bump_throttled
from core.text import LAYOUT_CHARACTERS, text_characters_refuse, text_looks_blank
from core.times import datetime_text
from discussions.conf import limit
from discussions.markdown import markdown_render, markdown_shown_text, markdown_too_deep
from discussions.models import Comment, Mute, Stance
from discussions.services.notices import reply_notice_follow
from discussions.signals import reply_posted
from markets.models import Token, TokenList

# An author can edit as fast as they can send requests (no rate limit within the edit
# window): anonymous pages are refreshed for edits at most this often, as for votes.
EDIT_BUMP_SECONDS = 5


class CommentRateLimited(Exception):
    """Too many comments lately; ``retry_after`` seconds until the next one is accepted."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def body_clean(body: str) -> str:
    """The Markdown source as stored, or a ValidationError on ``body``.

    New lines are stored as LF and count one character each, as the textarea's maxlength
    counts them (a browser posts them as CR LF).
    """
    if not isinstance(body, str) or not body.strip():
        raise ValidationError({"body": [_("Write something first.")]})
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    maximum = limit("COMMENT_MAX_LENGTH")
    if len(body) > maximum:
        raise ValidationError(
            {
                "body": [
                    _("At most %(max)d characters (this has %(n)d).")
                    % {"max": maximum, "n": len(body)}
                ]
            }
        )
    # The source, then what it shows: an entity (&#x202E;, &zwj;, &nbsp;) decodes on rendering
    # into the character it names, and empty markup ("-", ">", "[](…)") shows nothing.
    shown = markdown_shown_text(body)
    try:
        text_characters_refuse(body, allowed=LAYOUT_CHARACTERS)
        text_characters_refuse(shown, allowed=LAYOUT_CHARACTERS)
    except ValueError as exc:
        raise ValidationError({"body": [str(exc)]}) from None
    if text_looks_blank(shown):  # blank letters (U+3164, U+2800…) show nothing either
        raise ValidationError({"body": [_("Write something first.")]})
    if markdown_too_deep(body):  # nothing the author typed may vanish from the page
        raise ValidationError(
            {"body": [_("Lists or quotes are nested too deeply to be shown: use fewer levels.")]}
        )
    return body


def stance_clean(stance: str | None) -> str:
    stance = stance or ""
    if stance not in ("", *Stance.values):
        raise ValidationError({"stance": [_("Choose bullish, bearish or no stance.")]})
    return stance


def user_muted_until(*, user, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    mute = Mute.objects.filter(user=user, until__gt=now).order_by("-until").first()
    return mute.until if mute else None


def user_mute_check(*, user, now: datetime) -> None:
    """Refuse a muted user (comments, edits and votes)."""
    until = user_muted_until(user=user, now=now)
    if until is not None:
        raise PermissionDenied(
            _("You are muted by the moderators until %(until)s.") % {"until": datetime_text(until)}
        )


def rate_limit_check(recent, now: datetime, windows) -> None:
    """Raise CommentRateLimited when ``recent`` (rows with a ``created_at``) holds as many
    rows as a window allows within it; ``windows`` are (timedelta, maximum, message)."""
    for window, maximum, message in windows:
        latest = recent.filter(created_at__gt=now - window).order_by("-created_at")
        times = list(latest.values_list("created_at", flat=True)[:maximum])
        if len(times) >= maximum:
            retry = int((times[-1] + window - now).total_seconds()) + 1
            raise CommentRateLimited(message % {"n": maximum}, retry_after=max(retry, 1))


def _author_check(author, now: datetime) -> None:
    """Refuse muted users and users over a rate limit (called under a lock on the author)."""
    user_mute_check(user=author, now=now)
    windows = (
        (timedelta(minutes=1), limit("COMMENT_RATE_PER_MINUTE"),
         _("You can post at most %(n)d comments a minute. Try again in a moment.")),
        (timedelta(days=1), limit("COMMENT_RATE_PER_DAY"),
         _("You can post at most %(n)d comments a day. Try again later.")),
    )  # fmt: skip
    rate_limit_check(Comment.objects.filter(author=author), now, windows)


def _parent_check(parent: Comment, token: Token | None, token_list: TokenList | None) -> None:
    if parent.parent_id is not None:
        raise ValidationError({"parent": [_("Replies go to a comment, not to a reply.")]})
    if parent.token_id != (token.pk if token else None) or parent.token_list_id != (
        token_list.pk if token_list else None
    ):
        raise ValidationError({"parent": [_("That comment is in another discussion.")]})
    if parent.state != Comment.State.VISIBLE:
        raise ValidationError({"parent": [_("That comment is hidden or deleted.")]})


def _edits_bump() -> None:
    data_version_bump_throttled(reason="comment-edits", seconds=EDIT_BUMP_SECONDS)


def _after_commit(callback) -> None:
    transaction.on_commit(callback)


def comment_create(
    *,
    author,
    body: str,
    stance: str = "",
    token: Token | None = None,
    token_list: TokenList | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Post a comment (or a reply to ``parent``) on a token or a list; nothing stored on error."""
    if (token is None) == (token_list is None):
        raise ValueError("A comment goes on a token or on a list.")
    body = body_clean(body)
    stance = stance_clean(stance)
    now = timezone.now()
    with transaction.atomic():
        # The lock makes the rate limits exact when one user posts from two tabs at once.
        get_user_model().objects.select_for_update().filter(pk=author.pk).first()
        _author_check(author, now)
        if parent is not None:
            parent = Comment.objects.select_for_update().get(pk=parent.pk)
            _parent_check(parent, token, token_list)
        comment = Comment.objects.create(
            token=token, token_list=token_list, parent=parent, author=author, body=body,
            body_html=markdown_render(body), stance=stance, created_at=now,
        )  # fmt: skip
        _after_commit(data_version_bump)
        if parent is not None and parent.author_id and parent.author_id != author.pk:
            _after_commit(lambda: reply_posted.send(sender=Comment, comment=comment, parent=parent))
    return comment


def edit_window_open(comment: Comment, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return now - comment.created_at <= timedelta(minutes=limit("COMMENT_EDIT_MINUTES"))


def _own_live_comment(comment: Comment, user, *, field: str) -> Comment:
    """The comment locked, if ``user`` wrote it and has not deleted it; ``field`` names what
    the refusal is about (the body for an edit, the comment itself for a delete)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id is None or comment.author_id != user.pk:
        raise PermissionDenied(_("Only its author can change this comment."))
    if comment.state == Comment.State.DELETED:
        raise ValidationError({field: [_("This comment was deleted.")]})
    return comment


def comment_under_review(*, comment: Comment) -> bool:
    """Whether a report on ``comment`` is still open (the moderators' queue lists it)."""
    return comment.reports.filter(resolved_at__isnull=True).exists()


def _under_review_text() -> str:
    return _("This comment was reported: it cannot be edited until the moderators have seen it.")


def comment_edit(
    *, comment: Comment, user, body: str | None = None, stance: str | None = None
) -> Comment:
    """The author changes the text and/or the stance (None keeps either) within the edit
    window; marked edited. A muted author cannot (else the comments posted just before the
    mute could still be rewritten), nor while a report on the comment is open: the
    moderators judge the text that was reported, not one changed since (a report locks the
    comment too, so the two never cross). Saving the same text and stance again changes
    nothing: not marked edited, no page bump; other edits refresh anonymous pages at most
    every ``EDIT_BUMP_SECONDS`` (else one author flipping a text kept every cached page
    empty)."""
    body = None if body is None else body_clean(body)
    new_stance = None if stance is None else stance_clean(stance)
    now = timezone.now()
    with transaction.atomic():
        locked = _own_live_comment(comment, user, field="body")
        user_mute_check(user=user, now=now)
        if locked.state != Comment.State.VISIBLE:
            raise ValidationError({"body": [_("A hidden comment cannot be edited.")]})
        if not edit_window_open(locked, now):
            minutes = limit("COMMENT_EDIT_MINUTES")
            raise ValidationError(
                {"body": [_("Comments can be edited for %(n)d minutes only.") % {"n": minutes}]}
            )
        if comment_under_review(comment=locked):
            raise ValidationError({"body": [_under_review_text()]})
        fields = []
        if body is not None and body != locked.body:  # the same text again is no edit
            locked.body = body
            locked.body_html = markdown_render(body)
            fields += ["body", "body_html"]
        if new_stance is not None and new_stance != locked.stance:
            locked.stance = new_stance
            fields.append("stance")
        if not fields:
            return locked
        locked.edited_at = now
        locked.save(update_fields=[*fields, "edited_at"])
        reply_notice_follow(comment=locked)
        _after_commit(_edits_bump)
    return locked


def comment_delete(*, comment: Comment, user) -> Comment:
    """The author deletes a comment: its place in the thread stays ("comment deleted"). Not
    one the moderators removed or are reviewing: its text is what they judge, and what their
    log points at (deleted, it would also read "comment deleted", not "removed")."""
    with transaction.atomic():
        locked = _own_live_comment(comment, user, field="comment")
        if locked.state != Comment.State.VISIBLE:
            raise ValidationError(
                {"comment": [_("The moderators have this comment: it cannot be deleted now.")]}
            )
        locked.state = Comment.State.DELETED
        locked.body = "-"  # the text goes; the row keeps the thread's shape
        locked.body_html = ""
        locked.stance = ""
        locked.save(update_fields=["state", "body", "body_html", "stance"])
        reply_notice_follow(comment=locked)
        _after_commit(data_version_bump)
    return locked
