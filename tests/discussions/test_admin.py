"""Staff moderate from the admin too, through the services (so every action is recorded)."""

from discussions.models import Comment, ModerationAction
from tests.discussions.conftest import comment


def test_an_admin_action_hides_comments_and_records_it(client, alice, staff, tao):
    posted = comment(alice, "x")
    client.force_login(staff)
    response = client.post(
        "/admin/discussions/comment/",
        {"action": "action_comment_hide", "_selected_action": [posted.pk]},
    )
    assert response.status_code == 302
    posted.refresh_from_db()
    assert posted.state == Comment.State.HIDDEN
    assert ModerationAction.objects.get().moderator == staff


def test_the_admin_lists_comments_and_the_moderation_log(client, alice, staff, tao):
    comment(alice, "x")
    client.force_login(staff)
    assert client.get("/admin/discussions/comment/").status_code == 200
    assert client.get("/admin/discussions/moderationaction/").status_code == 200
