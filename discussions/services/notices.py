"""The notification a reply sends its parent's author previews the reply's text: only while
others can read it. Edited, the preview follows; deleted, hidden or pending review, it goes
(a moderator's removal must not stay readable in the inbox of the person it was aimed at);
restored, it comes back."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.language import localized
from discussions.models import Comment
from notifications.services import notifications_body_set

REPLY_NOTICE = "reply"
REPLY_MESSAGE = "discussions.reply"  # the notifications' message key of a reply notice


def reply_notice_params(*, name: str | None, target: str, target_fr: str = "") -> dict:
    """What a reply notice stores to be written again in its reader's language: the replier's
    shown name (None: a deleted user) and the token's symbol or the list's names."""
    return {"name": name, "target": target, "target_fr": target_fr}


def reply_notice_title(params: dict) -> str:
    """ "Bob replied to your comment on TAO", in the active language (the notifications'
    renderer of REPLY_MESSAGE). The names are values in the pattern, never a pattern."""
    name = params["name"]
    return _("%(name)s replied to your comment on %(target)s") % {
        "name": _("deleted user") if name is None else name,
        "target": localized(params["target"], params.get("target_fr") or ""),
    }


def reply_notice_url(comment: Comment) -> str:
    """The parent's own page shows it with all its replies (a page of the thread may not,
    once newer comments push the parent to a later page)."""
    url = reverse("discussions:comment-detail", args=[comment.parent_id])
    return f"{url}#comment-{comment.pk}"


def reply_preview(comment: Comment) -> str:
    if comment.state != Comment.State.VISIBLE:
        return ""
    return Truncator(comment.body).chars(200)


def reply_notice_follow(*, comment: Comment) -> None:
    """After a change of the reply's text or state (in the same transaction)."""
    if comment.parent_id is None:
        return
    notifications_body_set(
        kind=REPLY_NOTICE, url=reply_notice_url(comment), body=reply_preview(comment)
    )
