"""A reported comment waits for the moderators as it was reported: its author cannot edit it
(the text, nor the stance) while a report on it is open, in the pages, with htmx and in the
API; once the moderators have closed the reports, the edit window applies again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from discussions import services
from discussions.models import Comment
from tests.discussions.conftest import comment

HX = {"HTTP_HX_REQUEST": "true"}
UNDER_REVIEW = "This comment was reported: it cannot be edited until the moderators have seen it."


@pytest.fixture
def reported(alice, bob, tao):
    posted = comment(alice, "harmless at first")
    services.comment_report(comment=posted, reporter=bob, reason="spam")
    return posted


def test_its_author_cannot_edit_a_comment_with_an_open_report(reported, alice):
    for change in ({"body": "buy my scam coin"}, {"stance": "bullish"}):
        with pytest.raises(ValidationError) as caught:
            services.comment_edit(comment=reported, user=alice, **change)
        assert caught.value.message_dict == {"body": [UNDER_REVIEW]}
    reported.refresh_from_db()
    assert (reported.body, reported.stance, reported.edited_at) == ("harmless at first", "", None)
    assert reported.state == Comment.State.VISIBLE  # one report: still shown, in the queue


def test_the_author_edits_again_once_the_moderators_dismissed_the_reports(reported, alice, staff):
    services.reports_dismiss(comment=reported, moderator=staff, reason="fine")
    edited = services.comment_edit(comment=reported, user=alice, body="reworded")
    assert edited.body == "reworded" and edited.edited_at is not None


def test_the_page_offers_no_edit_form_but_says_why_to_the_author(client, reported, alice, bob):
    client.force_login(alice)
    html = client.get(f"/comments/{reported.pk}/").content.decode()
    assert f'action="/comments/{reported.pk}/edit/"' not in html
    assert UNDER_REVIEW in html
    client.force_login(bob)  # the reporter, and everyone else, read the comment as before
    html = client.get(f"/comments/{reported.pk}/").content.decode()
    assert UNDER_REVIEW not in html and "harmless at first" in html


def test_an_edit_posted_anyway_is_refused_with_the_reason_plain_and_htmx(client, reported, alice):
    client.force_login(alice)
    plain = client.post(f"/comments/{reported.pk}/edit/", {"body": "buy my scam coin"})
    assert plain.status_code == 400 and UNDER_REVIEW in plain.content.decode()
    htmx = client.post(f"/comments/{reported.pk}/edit/", {"body": "buy my scam coin"}, **HX)
    html = htmx.content.decode()
    assert html.lstrip().startswith(f'<article id="comment-{reported.pk}"')
    assert f'<p class="form-error" role="alert">{UNDER_REVIEW}</p>' in html
    reported.refresh_from_db()
    assert reported.body == "harmless at first"


def test_the_api_refuses_the_edit_with_a_400_naming_the_body(api_client, reported, alice):
    api_client.force_authenticate(alice)
    response = api_client.patch(
        f"/api/v1/comments/{reported.pk}/", {"body": "buy my scam coin"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"body": [UNDER_REVIEW]}


@pytest.mark.parametrize("n", [5, 50])
def test_the_thread_page_still_reads_in_six_queries(
    client, alice, bob, tao, n, settings, no_rate_limits, django_assert_num_queries
):
    settings.COMMENTS_PER_PAGE = 100
    for i in range(n):
        top = comment(alice, f"top {i}")
        reply = services.comment_create(author=alice, body=f"reply {i}", token=tao, parent=top)
        if i % 2:
            services.comment_report(comment=reply, reporter=bob, reason="spam")
    client.force_login(alice)
    client.get("/tokens/TAO/comments/")  # warm the session
    with django_assert_num_queries(6):
        html = client.get("/tokens/TAO/comments/").content.decode()
    assert html.count(UNDER_REVIEW) == n // 2
    editable = n + n - n // 2  # every top-level comment, the replies nobody reported
    assert html.count('/edit/"') == 2 * editable  # the form's action and hx-post


def test_the_refusal_is_in_french_for_a_french_reader(reported, alice):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        services.comment_edit(comment=reported, user=alice, body="autre chose")
    assert caught.value.messages == [
        "Ce commentaire a été signalé\u202f: il ne peut pas être modifié tant que les "
        "modérateurs ne l\u2019ont pas examiné."
    ]
