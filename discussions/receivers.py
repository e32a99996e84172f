"""The demo's ``ai`` list gets the article's scenario poll when it is created (seed_demo)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from discussions.services.polls import SCENARIO_LIST, scenario_poll_seed
from markets.models import TokenList


@receiver(post_save, sender=TokenList, dispatch_uid="discussions-scenario-poll")
def scenario_poll_on_ai_list(sender, instance: TokenList, created: bool, raw=False, **kwargs):
    if created and not raw and instance.slug == SCENARIO_LIST:
        transaction.on_commit(lambda: scenario_poll_seed(token_list=instance))
