"""Staff moderate from the admin too, through the services (so every action is recorded)."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from discussions import services
from discussions.models import Comment, ModerationAction, Mute, Poll, PollOption
from tests.discussions.conftest import comment

migration = importlib.import_module("discussions.migrations.0002_comment_not_own_parent")


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


def test_the_moderation_log_cannot_be_written_or_erased_in_the_admin(client, alice, staff, tao):
    posted = comment(alice, "x")
    services.comment_hide(comment=posted, moderator=staff, reason="insults")
    entry = ModerationAction.objects.get()
    client.force_login(staff)
    assert client.get("/admin/discussions/moderationaction/add/").status_code == 403
    forged = {
        "action": "hide",
        "reason": "forged",
        "created_at_0": "2026-02-06",
        "created_at_1": "12:00:00",
    }
    assert client.post("/admin/discussions/moderationaction/add/", forged).status_code == 403
    assert client.get(f"/admin/discussions/moderationaction/{entry.pk}/delete/").status_code == 403
    client.post(f"/admin/discussions/moderationaction/{entry.pk}/delete/", {"post": "yes"})
    client.post(
        "/admin/discussions/moderationaction/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert list(ModerationAction.objects.values_list("reason", flat=True)) == ["insults"]


def test_the_moderation_log_in_the_admin_takes_as_many_queries_for_many_entries_as_for_one(
    client, alice, staff, tao, no_rate_limits
):
    """Each row named its moderator, member and comment (the comment by its token or list)
    with queries of its own: a page of 100 entries made some 300."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/discussions/moderationaction/").status_code == 200
        return len(captured)

    services.comment_hide(comment=comment(alice, "first"), moderator=staff, reason="x")
    one = queries()
    for n in range(5):
        services.comment_hide(comment=comment(alice, f"c{n}"), moderator=staff, reason="x")
    for _n in range(5):
        services.user_mute(user=alice, moderator=staff, days=1, reason="x")
    assert queries() == one


def test_a_mute_added_in_the_admin_is_recorded_in_the_moderation_log(client, alice, staff):
    client.force_login(staff)
    response = client.post(
        "/admin/discussions/mute/add/",
        {
            "user": alice.pk, "until_0": "2030-01-01", "until_1": "00:00:00",
            "reason": "flooding", "by": alice.pk,
        },
    )  # fmt: skip
    assert response.status_code == 302
    action = ModerationAction.objects.get()
    assert (action.action, action.moderator, action.user, action.reason) == (
        "mute", staff, alice, "flooding",
    )  # fmt: skip
    assert Mute.objects.get().by == staff  # whoever adds it, not what was typed


@pytest.mark.parametrize(
    ("who", "until", "reason", "field"),
    [("staff", "2030-01-01", "x", "user"), ("alice", "2020-01-01", "x", "until"),
     ("alice", "2099-01-01", "x", "until"), ("alice", "2030-01-01", "   ", "reason")],
)  # fmt: skip
def test_a_mute_added_in_the_admin_is_checked_as_one_from_the_queue(
    client, alice, staff, who, until, reason, field
):
    """The admin wrote its own log entry and skipped the service's checks: a moderator
    could mute themselves, for ever or in the past, without a reason."""
    client.force_login(staff)
    user = {"staff": staff, "alice": alice}[who]
    response = client.post(
        "/admin/discussions/mute/add/",
        {"user": user.pk, "until_0": until, "until_1": "00:00:00", "reason": reason},
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Mute.objects.exists() and not ModerationAction.objects.exists()


def _change_data(**fields) -> dict:
    management = {
        "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0",
        "reports-MIN_NUM_FORMS": "0", "reports-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    return {**management, **fields}


def test_the_admin_cannot_change_a_comments_text_place_or_author(
    client, alice, bob, staff, tao, near
):
    top = comment(alice, "*first*")
    reply = services.comment_create(author=bob, body="second", token=tao, parent=top)
    client.force_login(staff)
    url = f"/admin/discussions/comment/{reply.pk}/change/"

    page = client.get(url).content.decode()
    response = client.post(
        url,
        _change_data(
            body="rewritten", parent=reply.pk, token=near.pk, token_list="", author=alice.pk,
            stance="bullish",
        ),
    )  # fmt: skip

    for field in ("body", "parent", "token", "token_list", "author", "stance"):
        assert f'name="{field}"' not in page, field
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.body, reply.body_html) == ("second", "<p>second</p>\n")
    assert (reply.parent_id, reply.token_id, reply.author_id) == (top.pk, tao.pk, bob.pk)
    assert reply.stance == "" and reply.edited_at is None


def test_the_admin_cannot_erase_a_comments_reports(client, alice, bob, staff, tao):
    """The comment's page in the admin had a Delete box on each report: ticked, reports were
    erased, the comment left the moderators' queue with nothing in the moderation log (the
    queue's Dismiss closes them, recorded)."""
    from discussions.models import Report

    posted = comment(alice, "x")
    report = services.comment_report(comment=posted, reporter=bob, reason="spam")
    client.force_login(staff)
    url = f"/admin/discussions/comment/{posted.pk}/change/"

    client.post(url, {
        **_change_data(), "reports-TOTAL_FORMS": "1", "reports-INITIAL_FORMS": "1",
        "reports-0-id": report.pk, "reports-0-comment": posted.pk, "reports-0-DELETE": "on",
    })  # fmt: skip

    assert Report.objects.filter(pk=report.pk).exists()
    assert 'name="reports-0-DELETE"' not in client.get(url).content.decode()


def test_the_database_refuses_a_comment_that_is_its_own_parent(alice, tao):
    posted = comment(alice, "x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=posted.pk).update(parent=posted.pk)


def test_the_migration_puts_comments_moved_out_of_their_thread_back_on_top(
    alice, bob, tao, near, no_rate_limits
):
    with connection.cursor() as cursor:  # data from before the constraint (rolled back after)
        cursor.execute("ALTER TABLE discussions_comment DROP CONSTRAINT comment_not_own_parent")
    top = comment(alice, "top")
    kept = services.comment_create(author=bob, body="a reply", token=tao, parent=top)
    own, first, second, moved, nested = (comment(bob, name) for name in "abcde")
    Comment.objects.filter(pk=own.pk).update(parent=own.pk)
    Comment.objects.filter(pk=first.pk).update(parent=second.pk)
    Comment.objects.filter(pk=second.pk).update(parent=first.pk)
    Comment.objects.filter(pk=moved.pk).update(parent=top.pk, token=near.pk)
    Comment.objects.filter(pk=nested.pk).update(parent=kept.pk)

    migration.detached_replies_restore(apps, None)

    parents = dict(Comment.objects.values_list("pk", "parent_id"))
    assert parents[kept.pk] == top.pk
    assert all(parents[c.pk] is None for c in (top, own, first, second, moved, nested))
    assert Comment.objects.get(pk=moved.pk).token == near


def test_the_french_admin_moderates_comments_in_french(client, alice, staff, tao):
    comment(alice, "x")
    client.force_login(staff)

    html = client.get("/admin/discussions/comment/", headers={"Accept-Language": "fr"})
    html = html.content.decode()

    for action in ("Masquer (retiré par un modérateur)", "Rétablir", "Classer les signalements"):
        assert f">{action}</option>" in html, action
    assert "Hide (removed by a moderator)" not in html
    headers = dict(re.findall(r'column-(\w+)">\s*<div class="text"><a [^>]*>([^<]+)</a>', html))
    assert {
        "author": "Auteur",
        "state": "État",
        "created_at": "Publié le",
    }.items() <= headers.items()


def _poll_data(token_list, *labels) -> dict:
    """The add form as a browser posts it: the inline's two extra rows, blank unless given."""
    rows = max(len(labels), 2)
    data = {
        "question_en": "Doomed?", "question_fr": "Condamnés ?", "token_list": token_list.pk,
        "token": "", "is_open": "on", "closes_at_0": "", "closes_at_1": "",
        "options-TOTAL_FORMS": str(rows), "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for index in range(rows):
        label = labels[index] if index < len(labels) else ""
        data |= {f"options-{index}-label_en": label, f"options-{index}-label_fr": label,
                 f"options-{index}-position": "0"}  # fmt: skip
    return data


def test_the_admin_saves_a_poll_only_with_two_options_or_more(client, staff, ai_list):
    client.force_login(staff)

    for labels in [(), ("Only one",)]:
        response = client.post("/admin/discussions/poll/add/", _poll_data(ai_list, *labels))
        assert response.status_code == 200
        assert "A poll needs at least 2 options." in response.content.decode()
        assert not Poll.objects.exists()
    response = client.post("/admin/discussions/poll/add/", _poll_data(ai_list, "Yes", "No"))

    assert response.status_code == 302
    poll = Poll.objects.get()
    assert [option.label_en for option in poll.options.all()] == ["Yes", "No"]
    assert f'id="poll-{poll.pk}"' in client.get("/").content.decode()


def test_the_dashboard_leaves_out_a_poll_saved_earlier_without_options(client, ai_list):
    poll = Poll.objects.create(question_en="Empty?", question_fr="Vide ?", token_list=ai_list)
    PollOption.objects.create(poll=poll, label_en="Alone", label_fr="Seule")

    assert f'id="poll-{poll.pk}"' not in client.get("/").content.decode()


def test_a_refused_admin_action_says_why_in_the_admins_words(client, alice, staff, tao):
    """It read "#5: {'comment': ['Son auteur a supprimé ce commentaire.']}": the service's
    field name and Python's brackets around the reason."""
    posted = comment(alice, "x")
    services.comment_delete(comment=posted, user=alice)
    client.force_login(staff)

    response = client.post(
        "/admin/discussions/comment/",
        {"action": "action_comment_hide", "_selected_action": [posted.pk]},
        headers={"Accept-Language": "fr"},
        follow=True,
    )

    shown = [str(message) for message in response.context["messages"]]
    assert shown == [f"#{posted.pk}\u202f: Son auteur a supprimé ce commentaire."]
