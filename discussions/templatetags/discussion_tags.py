"""Tags that put the discussion into the market pages' slots, and small helpers."""

from __future__ import annotations

from django import template
from django.utils import timezone

from discussions import selectors
from discussions.conf import limit
from discussions.context import thread_context
from discussions.models import Comment
from discussions.services.comments import comment_under_review, edit_window_open

register = template.Library()


@register.inclusion_tag("discussions/_thread.html", takes_context=True)
def thread_panel(context, token=None, token_list=None):
    return thread_context(context["request"], token=token, token_list=token_list)


@register.inclusion_tag("discussions/_sentiment.html", takes_context=True)
def sentiment_panel(context, token):
    request = context["request"]
    return {
        "token": token,
        "sentiment": selectors.token_sentiment(token=token, user=request.user),
        "user": request.user,
        "request": request,
    }


@register.inclusion_tag("discussions/_poll.html", takes_context=True)
def list_poll(context, token_list):
    request = context["request"]
    poll = selectors.poll_open_for_list(token_list=token_list)
    return poll_context(request, poll) if poll else {"poll": None}


def poll_context(request, poll, **extra) -> dict:
    total, results = selectors.poll_results(poll)
    now = timezone.now()
    return {
        "poll": poll,
        "total": total,
        "results": results,
        "my_option": selectors.poll_my_vote(poll=poll, user=request.user),
        "accepts_votes": poll.accepts_votes(now),
        "closing_passed": poll.closes_at is not None and poll.closes_at <= now,
        "user": request.user,
        "request": request,
        **extra,
    }


@register.simple_tag
def comment_max_length() -> int:
    """The textareas' maxlength: COMMENT_MAX_LENGTH, which the server checks."""
    return limit("COMMENT_MAX_LENGTH")


@register.filter
def edit_state(comment: Comment, user) -> str:
    """What ``user`` may do to the text of ``comment``: "editable" (the edit form),
    "under_review" (theirs, in the edit window, but reported: a word saying why there is no
    form) or "". ``under_review`` comes annotated from the selectors (else one query)."""
    if not (
        getattr(user, "is_authenticated", False)
        and comment.author_id == user.pk
        and comment.state == Comment.State.VISIBLE
        and edit_window_open(comment)
    ):
        return ""
    under_review = getattr(comment, "under_review", None)
    if under_review is None:
        under_review = comment_under_review(comment=comment)
    return "under_review" if under_review else "editable"


@register.filter
def share(value) -> str:
    """A fraction as a whole percentage ("62\u00a0%", with the no-break space every other
    percentage has); an em dash when unknown. Rounded half to even on purpose: two shares
    of 12.5 % and 87.5 % read 12 % and 88 %, adding up to 100 %."""
    return "—" if value is None else f"{round(value * 100)}\u00a0%"
