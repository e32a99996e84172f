"""Every write of the discussions: comments, moderation, sentiment votes and polls."""

from discussions.services.comments import (
    CommentRateLimited,
    comment_create,
    comment_delete,
    comment_edit,
    user_muted_until,
)
from discussions.services.moderation import (
    comment_hide,
    comment_report,
    comment_restore,
    mute_change,
    mute_lift,
    reports_dismiss,
    user_mute,
    user_mute_check,
    user_mute_until,
)
from discussions.services.votes import poll_vote, sentiment_vote

__all__ = [
    "CommentRateLimited",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_hide",
    "comment_report",
    "comment_restore",
    "mute_change",
    "mute_lift",
    "poll_vote",
    "reports_dismiss",
    "sentiment_vote",
    "user_mute",
    "user_mute_check",
    "user_mute_until",
    "user_muted_until",
]
