"""Two staff members editing a list's names and publication at once: a form opened before the
other's save sends back what it showed (was_*), so only what this form changed is written,
and a field both changed is refused with both versions kept in view."""

from __future__ import annotations

import pytest

from markets.models import TokenList

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
SHOWN = {"was_name": "AI tokens", "was_name_fr": "Tokens IA", "was_description": "",
         "was_description_fr": "", "was_is_public": ""}  # fmt: skip


def test_the_edit_form_sends_back_what_it_showed(client, staff, ai):
    ai.description = "Line one\nline two"
    ai.save(update_fields=["description"])
    client.force_login(staff)
    html = client.get("/curate/").content.decode()
    start = html.index('action="/curate/lists/ai/"')
    form = html[start : html.index("</form>", start)]
    assert '<input type="hidden" name="was_name" value="AI tokens">' in form
    assert '<input type="hidden" name="was_description" value="Line one\nline two">' in form
    assert '<input type="hidden" name="was_is_public" value="on">' in form


def test_a_form_opened_before_another_staff_members_save_keeps_their_changes(client, staff, ai):
    """Staff B renamed and published the list; A's form, opened before, still showed the old
    name and "unpublished": saving A's new description put the old name back and
    unpublished the list again."""
    ai.name, ai.is_public = "AI agents", True  # B's save
    ai.save(update_fields=["name", "is_public"])
    client.force_login(staff)
    data = {"name": "AI tokens", "name_fr": "Tokens IA", "description": "A's description",
            "description_fr": "", **SHOWN}  # fmt: skip

    response = client.post("/curate/lists/ai/", data, **HX)

    assert response.status_code == 200 and "Saved." in response.content.decode()
    ai.refresh_from_db()
    assert (ai.name, ai.is_public, ai.description) == ("AI agents", True, "A's description")


@pytest.mark.parametrize("htmx", [True, False])
def test_a_field_both_changed_at_once_is_refused_with_both_versions_in_view(
    client, staff, ai, htmx
):
    ai.name, ai.description = "AI agents", "B's description"  # B's save
    ai.save(update_fields=["name", "description"])
    client.force_login(staff)
    data = {"name": "AI coins", "name_fr": "Tokens IA", "description": "", "description_fr": "",
            **SHOWN}  # fmt: skip

    response = client.post("/curate/lists/ai/", data, **(HX if htmx else {}))

    assert response.status_code == (200 if htmx else 400)
    html = response.content.decode()
    assert "Someone else changed this list meanwhile" in html and "Name (English)" in html
    start = html.index('action="/curate/lists/ai/"')
    form = html[start : html.index("</form>", start)]
    assert 'name="name" value="AI coins"' in form  # what A typed
    assert '<input type="hidden" name="was_name" value="AI agents">' in form  # B's
    assert ">B&#x27;s description</textarea>" in form  # B's, which A did not touch
    ai.refresh_from_db()
    assert (ai.name, ai.description) == ("AI agents", "B's description")

    # Saving that form again is A's informed choice.
    again = {"name": "AI coins", "name_fr": "Tokens IA", "description": "B's description",
             "description_fr": "", **SHOWN, "was_name": "AI agents",
             "was_description": "B's description"}  # fmt: skip
    client.post("/curate/lists/ai/", again, **HX)
    ai.refresh_from_db()
    assert (ai.name, ai.description) == ("AI coins", "B's description")


def test_line_breaks_sent_back_by_the_browser_are_not_a_change(client, staff, ai):
    ai.description = "Line one\nline two"
    ai.save(update_fields=["description"])
    client.force_login(staff)
    data = {"name": "AI tokens", "name_fr": "Tokens IA", "description": "Line one\r\nline two",
            "description_fr": "", **SHOWN, "was_description": "Line one\r\nline two",
            "is_public": "on"}  # fmt: skip

    response = client.post("/curate/lists/ai/", data, **HX)

    assert "Someone else" not in response.content.decode()
    assert TokenList.objects.get(pk=ai.pk).is_public
