"""Reactions: the demo's ``ai`` list gets the article's scenario poll when it is created
(seed_demo); a reply notifies the author of the comment it answers."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import user_display
from discussions.services.notices import REPLY_NOTICE, reply_notice_url, reply_preview
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
    target = comment.token or comment.token_list
    with translation.override(author.preferred_language or settings.LANGUAGE_CODE):
        title = _("%(name)s replied to your comment on %(target)s") % {
            "name": user_display(comment.author) if comment.author else _("deleted user"),
            "target": getattr(target, "symbol", None) or target.display_name,
        }
    notification_create(
        user=author, kind=REPLY_NOTICE, title=title, body=reply_preview(comment),
        url=reply_notice_url(comment),
    )  # fmt: skip
