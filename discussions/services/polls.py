"""The article's scenario poll, seeded on the ``ai`` list when that list is created."""

from __future__ import annotations

from django.db import transaction

from discussions.models import Poll, PollOption
from markets.models import TokenList

SCENARIO_LIST = "ai"
SCENARIO_QUESTION = (
    "AI tokens: doomed, or a healthy purge?",
    "Tokens IA\u202f: condamnés ou purge saine\u202f?",  # narrow no-break spaces, as in French
)
# The French question as seeded before, with plain spaces: reworded when seeding again.
_QUESTION_FR_BEFORE = "Tokens IA : condamnés ou purge saine ?"
SCENARIO_OPTIONS = [
    ("Capitulation, then rebound", "Capitulation puis rebond"),
    ("End of the decentralised-AI narrative", "Mort du narratif IA décentralisé"),
    ("Differentiated coexistence", "Coexistence différenciée"),
]


def scenario_poll_seed(*, token_list: TokenList) -> Poll | None:
    """Create the article's poll on ``token_list`` unless it already has a poll; a poll
    seeded with the old French spacing gets the new one (that exact text only: not a
    question staff have edited)."""
    with transaction.atomic():
        polls = Poll.objects.filter(token_list=token_list)
        if polls.exists():
            polls.filter(question_fr=_QUESTION_FR_BEFORE).update(question_fr=SCENARIO_QUESTION[1])
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
