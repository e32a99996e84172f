"""The discussion change lists read their rows' users, tokens, lists and comments in the
page's query, not one query per row (a forum gathers tens of thousands of each)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discussions.models import Comment, ModerationAction, Mute, Poll
from tests.factories import TokenFactory, TokenListFactory

CHANGELISTS = ["comment", "moderationaction", "mute", "poll"]


def _rows(start: int, stop: int, staff) -> None:
    """Rows for every change list, each with its own user, token and list (no shared cache)."""
    now = timezone.now()
    for i in range(start, stop):
        user = get_user_model().objects.create_user(
            username=f"member{i}", email=f"member{i}@example.org", password="password"
        )
        token = TokenFactory(symbol=f"TK{i}", name=f"Token {i}")
        token_list = TokenListFactory(slug=f"list-{i}", name=f"List {i}")
        target = {"token": token} if i % 2 else {"token_list": token_list}
        posted = Comment.objects.create(
            author=user, body=f"text {i}", body_html=f"<p>text {i}</p>", created_at=now, **target
        )
        ModerationAction.objects.create(
            moderator=staff, action=ModerationAction.Action.HIDE, comment=posted, user=user,
            created_at=now,
        )  # fmt: skip
        Mute.objects.create(user=user, until=now, reason="spam", by=staff, created_at=now)
        Poll.objects.create(question_en=f"Q{i}?", question_fr=f"Q{i}\u202f?", **target)


def _queries(client, model: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/admin/discussions/{model}/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_a_discussion_change_list_runs_the_same_queries_for_2_and_for_12_rows(client, staff, model):
    client.force_login(staff)
    _rows(0, 2, staff)
    few = _queries(client, model)
    _rows(2, 12, staff)

    assert _queries(client, model) == few
