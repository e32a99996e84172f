"""The seeded scenario poll writes French as the catalogues do: a narrow no-break space
(U+202F) before ":" and "?", not a plain space that lets the mark start a line alone."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from discussions.models import Poll
from discussions.services.polls import SCENARIO_OPTIONS, SCENARIO_QUESTION, scenario_poll_seed
from tests.core.test_french_catalogues import PLAIN_SPACE
from tests.factories import TokenListFactory

OLD_WORDING = "Tokens IA : condamnés ou purge saine ?"
NEW_WORDING = "Tokens IA\u202f: condamnés ou purge saine\u202f?"


def test_the_seeded_poll_sets_narrow_no_break_spaces_in_french():
    assert SCENARIO_QUESTION[1] == NEW_WORDING
    french = [text for _english, text in [SCENARIO_QUESTION, *SCENARIO_OPTIONS]]
    assert not [text for text in french if PLAIN_SPACE.search(text)]


def test_seeding_again_rewords_a_poll_seeded_with_plain_spaces_only(db):
    ai, other = TokenListFactory(slug="ai"), TokenListFactory(slug="other")
    seeded_before = scenario_poll_seed(token_list=ai)
    Poll.objects.filter(pk=seeded_before.pk).update(question_fr=OLD_WORDING)
    edited = scenario_poll_seed(token_list=other)
    Poll.objects.filter(pk=edited.pk).update(
        question_fr="Tokens IA : la question de l\u2019équipe ?"
    )

    call_command("seed_scenario_poll", stdout=StringIO())
    call_command("seed_scenario_poll", "--list", "other", stdout=StringIO())

    assert Poll.objects.get(token_list=ai).question_fr == NEW_WORDING
    assert (
        Poll.objects.get(pk=edited.pk).question_fr == "Tokens IA : la question de l\u2019équipe ?"
    )
    assert Poll.objects.count() == 2
