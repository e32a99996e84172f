"""The admin's saves of a curated list are recorded in the /curate/ history, with the same
entries the curation pages write (and, like them, make cached pages stale at once)."""

from __future__ import annotations

import pytest

from curation.models import CurationChange
from markets.models import TokenList
from tests.curation.conftest import order
from tests.factories import TokenFactory

pytestmark = pytest.mark.django_db
Action = CurationChange.Action


def _form(token_list: TokenList | None, members: list[tuple[object, int]], **fields) -> dict:
    """The admin's change form: the list's fields, then (member row or token, position)."""
    data = {
        "name": token_list.name if token_list else "",
        "slug": token_list.slug if token_list else "",
        "name_fr": token_list.name_fr if token_list else "", "description": "",
        "description_fr": "", "is_public": "on",
        "memberships-TOTAL_FORMS": str(len(members)),
        "memberships-INITIAL_FORMS": str(sum(1 for m, _p in members if hasattr(m, "token_id"))),
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, (member, position) in enumerate(members):
        if hasattr(member, "token_id"):  # an existing row
            data |= {f"memberships-{i}-id": member.pk, f"memberships-{i}-token": member.token_id}
        else:  # a new row for this token
            data[f"memberships-{i}-token"] = member.pk
        if token_list is not None:
            data[f"memberships-{i}-token_list"] = token_list.pk
        data[f"memberships-{i}-position"] = position
    data |= fields
    return {k: v for k, v in data.items() if v is not None}


def _changes() -> list[tuple[str, str, str | None]]:
    rows = CurationChange.objects.order_by("id")
    return [(c.action, c.detail, c.token.symbol if c.token else None)
            for c in rows.select_related("token")]  # fmt: skip


def test_a_list_edited_in_the_admin_shows_in_the_curation_history(client, staff, ai):
    client.force_login(staff)
    tao, near, icp = (ai.memberships.get(token__symbol=s) for s in ("TAO", "NEAR", "ICP"))
    render = TokenFactory(symbol="RENDER", name="Render")
    data = _form(ai, [(tao, 2), (near, 1), (icp, 0), (render, 3)], name="AI agents")
    data["memberships-1-DELETE"] = "on"  # NEAR

    response = client.post(f"/admin/markets/tokenlist/{ai.pk}/change/", data)

    assert response.status_code == 302
    assert order(ai) == ["ICP", "TAO", "RENDER"]
    assert _changes() == [
        (Action.LIST_UPDATED, "name", None),
        (Action.MEMBER_ADDED, "RENDER", "RENDER"),
        (Action.MEMBER_REMOVED, "NEAR", "NEAR"),
        (Action.MEMBERS_REORDERED, "ICP TAO RENDER", None),
    ]
    assert all(c.actor == staff and c.token_list == ai for c in CurationChange.objects.all())
    html = client.get("/curate/").content.decode()
    assert "edited the list" in html and "removed a member" in html


def test_a_list_created_or_featured_in_the_admin_is_recorded_too(client, staff, tao):
    client.force_login(staff)
    data = _form(None, [(tao, 0)], name="Agents", slug="agents", is_featured="on")

    response = client.post("/admin/markets/tokenlist/add/", data)

    assert response.status_code == 302
    agents = TokenList.objects.get(slug="agents")
    assert _changes() == [
        (Action.LIST_CREATED, "Agents", None),
        (Action.LIST_FEATURED, "", None),
        (Action.MEMBER_ADDED, "TAO", "TAO"),
    ]
    assert set(CurationChange.objects.values_list("token_list", flat=True)) == {agents.pk}


def test_an_admin_save_that_changes_nothing_records_nothing(client, staff, ai):
    client.force_login(staff)
    members = list(ai.memberships.order_by("position"))
    data = _form(ai, [(m, m.position) for m in members], is_public=None)
    ai.is_public = False
    ai.save(update_fields=["is_public"])

    assert client.post(f"/admin/markets/tokenlist/{ai.pk}/change/", data).status_code == 302
    assert _changes() == []


def test_a_list_unpublished_in_the_admin_is_gone_at_once_from_cached_pages(
    client, staff, ai, settings, django_capture_on_commit_callbacks
):
    """The admin wrote no change: the cached anonymous copy of the page stayed up to an hour
    after staff unpublished the list there."""
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 3600
    ai.is_public = True
    ai.save(update_fields=["is_public"])
    assert client.get("/lists/ai/").status_code == 200  # cached
    admin = Client()
    admin.force_login(staff)
    members = list(ai.memberships.order_by("position"))
    data = _form(ai, [(m, m.position) for m in members], is_public=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"/admin/markets/tokenlist/{ai.pk}/change/", data).status_code == 302
    assert client.get("/lists/ai/").status_code == 404
