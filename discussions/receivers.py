"""Reactions: the demo's ``ai`` list gets the article's scenario poll when it is created
(seed_demo); a reply notifies the author of the comment it answers."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from accounts.models import user_display
from discussions.services.notices import (
    REPLY_MESSAGE,
    REPLY_NOTICE,
    reply_notice_params,
    reply_notice_title,
    reply_notice_url,
    reply_preview,
)
from discussions.services.polls import SCENARIO_LIST, scenario_poll_seed
from discussions.signals import reply_posted
from markets.models import TokenList
from notifications.services import notification_create


@receiver(post_save, sender=TokenList, dispatch_uid="discussions-scenario-poll")
def scenario_poll_on_ai_list(sender, instance: TokenList, created: bool, raw=False, **kwargs):
    if created and not raw and instance.slug == SCENARIO_LIST:
        transaction.on_commit(lambda: scenario_poll_seed(token_list=instance))


@receiver(reply_posted, dispatch_uid="discussions-reply-notification")
def reply_notify(sender, comment, parent, **kwargs) -> None:
    """Tell the parent's author, in their language, that someone answered them."""
    author = parent.author
    if author is None or author.pk == comment.author_id:
        return
    if comment.token is not None:
        target, target_fr = comment.token.symbol, ""
    else:
        target, target_fr = comment.token_list.name, comment.token_list.name_fr
    params = reply_notice_params(
        name=user_display(comment.author) if comment.author else None,
        target=target,
        target_fr=target_fr,
    )
    # Written again in the reader's language when read; stored in the author's as the fallback.
    with translation.override(author.preferred_language or settings.LANGUAGE_CODE):
        title = reply_notice_title(params)
    notification_create(
        user=author, kind=REPLY_NOTICE, title=title, body=reply_preview(comment),
        url=reply_notice_url(comment), message_key=REPLY_MESSAGE, params=params,
    )  # fmt: skip
