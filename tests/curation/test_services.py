"""Curation writes: validation, order, the record of every change, nothing half-written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from curation import services
from curation.models import CurationChange, TokenAddJob
from markets.models import Token, TokenList
from markets.providers.catalogue import CatalogueEntry
from tests.curation.conftest import order
from tests.factories import TokenFactory

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(CurationChange.objects.order_by("id").values_list("action", flat=True))


def test_it_creates_an_unpublished_list_with_both_languages_and_records_who(staff):
    token_list = services.list_create(
        actor=staff, slug="", data={"name": "AI agents", "name_fr": "Agents IA",
                                    "description": "Agent tokens", "description_fr": "Tokens"},
    )  # fmt: skip
    assert (token_list.slug, token_list.name_fr, token_list.is_public) == (
        "ai-agents", "Agents IA", False)  # fmt: skip
    change = CurationChange.objects.get()
    assert (change.actor, change.action, change.token_list) == (staff, "list_created", token_list)


@pytest.mark.parametrize(
    ("data", "field"),
    [({"name": ""}, "name"), ({"name": "x" * 101}, "name"),
     ({"name": "AI\u202egents"}, "name"), ({"name": "ok", "description_fr": "a\x00b"},
                                           "description_fr")],
)  # fmt: skip
def test_it_refuses_bad_names_and_descriptions_and_stores_nothing(staff, data, field):
    with pytest.raises(ValidationError) as caught:
        services.list_create(actor=staff, slug="x", data=data)
    assert field in caught.value.message_dict
    assert not TokenList.objects.exists() and not CurationChange.objects.exists()


def test_a_taken_slug_is_refused(staff, ai):
    with pytest.raises(ValidationError, match="already exists"):
        services.list_create(actor=staff, slug="ai", data={"name": "Again"})


def test_featuring_a_list_takes_the_dashboard_from_the_previous_one(staff, ai):
    ai.is_featured = True
    ai.save(update_fields=["is_featured"])
    other = services.list_create(actor=staff, slug="infra", data={"name": "Infra"})
    services.list_feature(actor=staff, token_list=other)
    ai.refresh_from_db()
    other.refresh_from_db()
    assert (ai.is_featured, other.is_featured, other.is_public) == (False, True, True)


def test_the_dashboards_list_cannot_be_unpublished(staff, ai):
    services.list_feature(actor=staff, token_list=ai)
    with pytest.raises(ValidationError, match="published"):
        services.list_update(actor=staff, token_list=ai, data={"name": "AI"}, is_public=False)


def test_members_are_added_at_the_end_and_removed_without_gaps(staff, ai):
    fet = TokenFactory(symbol="FET")
    services.member_add(actor=staff, token_list=ai, token=fet)
    services.member_remove(actor=staff, token_list=ai, token=Token.objects.get(symbol="NEAR"))
    assert order(ai) == ["TAO", "ICP", "FET"]
    positions = list(ai.memberships.order_by("position").values_list("position", flat=True))
    assert positions == [0, 1, 2]
    assert actions() == ["member_added", "member_removed"]


def test_a_token_cannot_be_added_twice(staff, ai, tao):
    with pytest.raises(ValidationError, match="already in this list"):
        services.member_add(actor=staff, token_list=ai, token=tao)


def test_a_reorder_must_name_every_member_once(staff, ai):
    services.members_reorder(actor=staff, token_list=ai, symbols=["icp", "TAO", "NEAR"])
    assert order(ai) == ["ICP", "TAO", "NEAR"]
    for bad in (["TAO", "NEAR"], ["TAO", "TAO", "ICP"], ["TAO", "NEAR", "ICP", "BTC"]):
        with pytest.raises(ValidationError):
            services.members_reorder(actor=staff, token_list=ai, symbols=bad)
    assert order(ai) == ["ICP", "TAO", "NEAR"]
    assert actions() == ["members_reordered"]


def test_moving_up_and_down_is_the_keyboard_way_to_reorder(staff, ai):
    services.member_move(actor=staff, token_list=ai, symbol="ICP", offset=-1)
    assert order(ai) == ["TAO", "ICP", "NEAR"]
    services.member_move(actor=staff, token_list=ai, symbol="TAO", offset=-1)  # already first
    assert order(ai) == ["TAO", "ICP", "NEAR"]


def test_a_coin_from_the_catalogue_becomes_a_member_and_queues_its_backfill(
    staff, ai, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("curation.tasks.token_add_backfill.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.token_add_from_catalogue(
            actor=staff, token_list=ai, entry=CatalogueEntry("render-token", "RENDER", "Render")
        )
    token = Token.objects.get(symbol="RENDER")
    assert (token.coingecko_id, token.name) == ("render-token", "Render")
    assert order(ai)[-1] == "RENDER"
    assert (job.status, job.token, queued) == (TokenAddJob.Status.QUEUED, token, [job.pk])
    assert actions() == ["token_created", "member_added"]


def test_a_symbol_taken_by_another_coin_is_refused_and_nothing_is_created(staff, ai):
    with pytest.raises(ValidationError, match="already uses the symbol"):
        services.token_add_from_catalogue(
            actor=staff, token_list=ai, entry=CatalogueEntry("tao-inu", "TAO", "Tao Inu")
        )
    assert not Token.objects.filter(coingecko_id="tao-inu").exists()
    assert not TokenAddJob.objects.exists()


@pytest.mark.parametrize("symbol", ["USD₮0", "A/B", "..", "X" * 21])
def test_a_provider_symbol_that_cannot_be_a_token_symbol_is_refused_clearly(staff, ai, symbol):
    with pytest.raises(ValidationError, match="cannot be a token symbol here"):
        services.token_add_from_catalogue(
            actor=staff, token_list=ai, entry=CatalogueEntry("odd-coin", symbol, "Odd coin")
        )
    assert not Token.objects.filter(coingecko_id="odd-coin").exists()
    assert not TokenAddJob.objects.exists() and order(ai) == ["TAO", "NEAR", "ICP"]


def test_featuring_the_list_already_on_the_dashboard_records_nothing(staff, ai):
    """A second staff member's stale "Put on the dashboard" (or the admin's action on the
    featured list) recorded the list put on the dashboard a second time."""
    services.list_feature(actor=staff, token_list=ai)
    services.list_feature(actor=staff, token_list=TokenList.objects.get(pk=ai.pk))
    assert actions() == ["list_featured"]
