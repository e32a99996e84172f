"""A form-encoded write means what the same fields sent as JSON mean: a field sent blank is
validated as a blank, not dropped as if it had not been sent (DRF's reading of HTML forms)."""

from __future__ import annotations

import pytest

from discussions.models import Comment
from tests.discussions.conftest import comment

FORM = "application/x-www-form-urlencoded"


@pytest.mark.django_db
def test_it_refuses_a_blank_body_in_a_form_edit_as_it_does_in_json(api_client, alice, tao):
    posted = comment(alice, "first words")
    api_client.force_authenticate(alice)

    response = api_client.patch(f"/api/v1/comments/{posted.pk}/", "body=", content_type=FORM)

    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == ["body"]
    assert Comment.objects.get(pk=posted.pk).body == "first words"


@pytest.mark.django_db
def test_it_clears_the_stance_sent_blank_in_a_form_edit(api_client, alice, tao):
    posted = comment(alice, "first words")
    Comment.objects.filter(pk=posted.pk).update(stance="bearish")
    api_client.force_authenticate(alice)

    response = api_client.patch(f"/api/v1/comments/{posted.pk}/", "stance=", content_type=FORM)

    assert response.status_code == 200, response.json()
    assert response.json()["stance"] == ""
    assert Comment.objects.get(pk=posted.pk).stance == ""


@pytest.mark.django_db
def test_a_blank_parent_in_a_form_post_still_means_a_top_level_comment(api_client, alice, tao):
    """A form cannot send null: a blank for a field that takes null is null, as before."""
    api_client.force_authenticate(alice)

    response = api_client.post(
        "/api/v1/tokens/TAO/comments/", "body=hello&parent=", content_type=FORM
    )

    assert response.status_code == 201, response.json()
    assert response.json()["parent"] is None
