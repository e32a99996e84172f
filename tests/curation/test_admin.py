"""The admin's index: site branding, and no two sections or models that look alike."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_the_admin_index_names_every_section_and_model_apart(client, staff):
    client.force_login(staff)
    html = client.get("/admin/").content.decode()
    sections = re.findall(r'<caption>\s*<a[^>]*class="section"[^>]*>([^<]+)</a>', html)
    models = re.findall(r"<th scope=\"row\"[^>]*>\s*<a href=\"[^\"]+\">([^<]+)</a>", html)
    assert "aicrash administration" in html
    assert len(sections) == len(set(sections)) and len(models) == len(set(models))
    assert {"Users", "Market data", "Sign-in email addresses"} <= set(sections)
    assert "API tokens" in models


def test_a_membership_reads_as_its_token_and_position(ai):
    membership = ai.memberships.select_related("token").get(token__symbol="NEAR")
    assert str(membership) == "NEAR (NEAR Protocol) #2"


def test_the_admin_refuses_two_members_at_one_position(client, staff, ai):
    client.force_login(staff)
    members = list(ai.memberships.order_by("position"))
    data = {
        "name": ai.name, "name_fr": ai.name_fr, "slug": ai.slug, "description": "",
        "description_fr": "", "is_public": "on",
        "memberships-TOTAL_FORMS": "3", "memberships-INITIAL_FORMS": "3",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, member in enumerate(members):
        data |= {f"memberships-{i}-id": member.pk, f"memberships-{i}-token_list": ai.pk,
                 f"memberships-{i}-token": member.token_id,
                 f"memberships-{i}-position": 0}  # fmt: skip
    response = client.post(f"/admin/markets/tokenlist/{ai.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the error
    assert "have the same position 0" in response.content.decode()
    assert sorted(ai.memberships.values_list("position", flat=True)) == [0, 1, 2]


def test_a_lists_admin_page_runs_the_same_queries_for_3_and_for_33_members(
    admin_client, ai, django_assert_max_num_queries
):
    """Each member's token field read its token again: 33 members, 30 more queries."""
    from markets.models import TokenListMembership
    from tests.factories import TokenFactory

    url = f"/admin/markets/tokenlist/{ai.pk}/change/"
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    for i in range(30):
        TokenListMembership.objects.create(token_list=ai, token=TokenFactory(symbol=f"Z{i}"),
                                           position=10 + i)  # fmt: skip
    with django_assert_max_num_queries(len(few)):
        html = admin_client.get(url).content.decode()
    near = ai.memberships.get(token__symbol="NEAR").token_id
    assert html.count(f'<option value="{near}" selected>NEAR</option>') == 1
    assert html.count(" selected>Z29</option>") == 1


def test_members_removed_or_placed_in_the_admin_are_numbered_without_gaps(client, staff, ai):
    """Deleting NEAR in the admin left positions 0 and 2 (the API said ICP was at 2), and
    positions typed as 30, 10, 20 stayed so: /curate/ always numbers them 0, 1, 2..."""
    client.force_login(staff)
    members = list(ai.memberships.order_by("position"))  # TAO, NEAR, ICP
    data = {
        "name": ai.name, "name_fr": ai.name_fr, "slug": ai.slug, "description": "",
        "description_fr": "", "is_public": "on",
        "memberships-TOTAL_FORMS": "3", "memberships-INITIAL_FORMS": "3",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, (member, position) in enumerate(zip(members, [30, 5, 10], strict=True)):
        data |= {f"memberships-{i}-id": member.pk, f"memberships-{i}-token_list": ai.pk,
                 f"memberships-{i}-token": member.token_id,
                 f"memberships-{i}-position": position}  # fmt: skip
    data["memberships-1-DELETE"] = "on"  # NEAR
    response = client.post(f"/admin/markets/tokenlist/{ai.pk}/change/", data)
    assert response.status_code == 302
    rows = ai.memberships.order_by("position").values_list("token__symbol", "position")
    assert list(rows) == [("ICP", 0), ("TAO", 1)]
    api = client.get("/api/v1/lists/ai/").json()
    assert [(m["symbol"], m["position"]) for m in api["members"]] == [("ICP", 0), ("TAO", 1)]


def _new_list_form(**fields) -> dict:
    form = {"name": "AI upper", "name_fr": "", "description": "", "description_fr": "",
            "is_public": "on", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}  # fmt: skip
    return form | fields


def test_the_admin_refuses_a_short_name_that_differs_from_another_lists_only_by_case(
    client, staff, ai
):
    """/curate/ refuses "AI" when "ai" exists; the admin created it: /lists/AI/ and /lists/ai/
    were two lists whose addresses differ only by case."""
    from markets.models import TokenList

    client.force_login(staff)
    response = client.post("/admin/markets/tokenlist/add/", _new_list_form(slug="AI"))
    assert response.status_code == 200
    assert "A list with this short name already exists." in response.content.decode()
    assert list(TokenList.objects.values_list("slug", flat=True)) == ["ai"]


def test_a_short_name_typed_in_capitals_in_the_admin_is_stored_in_lower_case(client, staff):
    """As /curate/ stores it: the address of a list is in lower case."""
    from markets.models import TokenList

    client.force_login(staff)
    response = client.post("/admin/markets/tokenlist/add/", _new_list_form(slug="AI-Agents"))
    assert response.status_code == 302
    assert list(TokenList.objects.values_list("slug", flat=True)) == ["ai-agents"]


def test_the_curation_page_refuses_a_short_name_another_list_has_in_capitals(client, staff):
    from markets.models import TokenList

    TokenList.objects.create(slug="AI", name="Old upper-case list")
    client.force_login(staff)
    response = client.post("/curate/lists/", {"slug": "ai", "name": "AI"})
    assert response.status_code == 400
    assert "A list with this short name already exists." in response.content.decode()
    assert TokenList.objects.count() == 1


def test_the_admin_refuses_to_delete_the_dashboards_list(client, staff, ai):
    """Like unpublishing it (refused), deleting the featured list left the dashboard
    without a list; the admin's confirmation page did not even say it was featured."""
    from markets.models import TokenList

    ai.is_featured, ai.is_public = True, True
    ai.save(update_fields=["is_featured", "is_public"])
    client.force_login(staff)
    url = f"/admin/markets/tokenlist/{ai.pk}/delete/"
    html = client.get(url).content.decode()
    assert "AI tokens is the list on the dashboard: feature another list first." in html
    client.post(url, {"post": "yes"})
    bulk = {"action": "delete_selected", "_selected_action": [ai.pk], "post": "yes"}
    client.post("/admin/markets/tokenlist/", bulk)
    assert TokenList.objects.filter(pk=ai.pk).exists()


def test_the_admin_deletes_a_list_that_is_not_on_the_dashboard(client, staff, ai):
    from markets.models import TokenList

    client.force_login(staff)
    client.post(f"/admin/markets/tokenlist/{ai.pk}/delete/", {"post": "yes"})
    assert not TokenList.objects.filter(pk=ai.pk).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "AI\u202egents"), ("name_fr", "Tokens\u200bIA"), ("description", "a\x00b"),
     ("description_fr", "x\u2066y")],
)  # fmt: skip
def test_the_admin_refuses_the_characters_the_curation_page_refuses_in_names(
    client, staff, field, value
):
    """/curate/ refuses invisible, direction-changing and control characters in a list's
    names and descriptions; the admin stored them, shown as such on the public pages."""
    from markets.models import TokenList

    client.force_login(staff)
    response = client.post(
        "/admin/markets/tokenlist/add/", _new_list_form(slug="x", **{field: value})
    )
    assert response.status_code == 200
    assert "are not allowed" in response.content.decode()
    assert not TokenList.objects.exists()


def test_the_admin_keeps_line_breaks_in_descriptions(client, staff):
    from markets.models import TokenList

    client.force_login(staff)
    form = _new_list_form(slug="x", description="One\r\nTwo")
    assert client.post("/admin/markets/tokenlist/add/", form).status_code == 302
    assert TokenList.objects.get().description == "One\r\nTwo"


def test_saving_an_older_list_in_the_admin_keeps_its_capitalised_address(client, staff):
    """Its slug is its address (/lists/AI/, the API, its thread): lower-casing it on an
    unrelated edit made every link to it a 404, and left no history entry."""
    from markets.models import TokenList

    old = TokenList.objects.create(slug="AI", name="Old upper-case list")
    client.force_login(staff)
    response = client.post(
        f"/admin/markets/tokenlist/{old.pk}/change/",
        _new_list_form(slug="AI", name="Old upper-case list", description="Now described."),
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.slug, old.description) == ("AI", "Now described.")
