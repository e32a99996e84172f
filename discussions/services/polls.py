"""The article's scenario poll, seeded on the ``ai`` list when that list is created."""

from __future__ import annotations

from django.db import transaction

from discussions.models import Poll, PollOption
from markets.models import TokenList

SCENARIO_LIST = "ai"
SCENARIO_QUESTION = (
    "AI tokens: doomed, or a healthy purge?",
    "Tokens IA : condamnés ou purge saine ?",
)
SCENARIO_OPTIONS = [
    ("Capitulation, then rebound", "Capitulation puis rebond"),
    ("End of the decentralised-AI narrative", "Mort du narratif IA décentralisé"),
    ("Differentiated coexistence", "Coexistence différenciée"),
]


def scenario_poll_seed(*, token_list: TokenList) -> Poll | None:
    """Create the article's poll on ``token_list`` unless it already has a poll."""
    with transaction.atomic():
        if Poll.objects.filter(token_list=token_list).exists():
            return None
        poll = Poll.objects.create(
            token_list=token_list, question_en=SCENARIO_QUESTION[0],
            question_fr=SCENARIO_QUESTION[1],
        )  # fmt: skip
        PollOption.objects.bulk_create(
            PollOption(poll=poll, label_en=en, label_fr=fr, position=i)
            for i, (en, fr) in enumerate(SCENARIO_OPTIONS)
        )
    return poll
