"""Reports, the report threshold, the moderators' actions, mutes and the queue page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from discussions import selectors, services
from discussions.models import Comment, ModerationAction, Mute, Report
from tests.conftest import _user
from tests.discussions.conftest import comment


def _with_standing(user, *, days: int = 30):
    """An account ``days`` old with a comment of its own still shown: its reports count."""
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days))
    comment(user, "Been here a while")
    user.refresh_from_db()
    return user


def test_a_user_reports_a_comment_once(alice, bob, tao):
    posted = comment(alice, "spam spam")
    services.comment_report(comment=posted, reporter=bob, reason="spam")
    with pytest.raises(ValidationError) as caught:
        services.comment_report(comment=posted, reporter=bob, reason="abuse")
    assert caught.value.message_dict == {"comment": ["You already reported this comment."]}
    assert Report.objects.count() == 1


def test_the_database_refuses_a_second_report_by_the_same_user(alice, bob, tao):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    posted = comment(alice, "x")
    fields = {"comment": posted, "reporter": bob, "reason": "spam", "created_at": timezone.now()}
    Report.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**fields)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"reason": "rude"}, "reason", "Choose a reason."),
        ({"reason": "other"}, "text", "Give a reason."),
        (
            {"reason": "other", "text": "\x07"},
            "text",
            "Control characters are not allowed (U+0007).",
        ),
    ],
)
def test_bad_reports_are_refused(alice, bob, tao, kwargs, field, message):
    posted = comment(alice, "x")
    with pytest.raises(ValidationError) as caught:
        services.comment_report(comment=posted, reporter=bob, **kwargs)
    assert caught.value.message_dict == {field: [message]}
    assert not Report.objects.exists()


def test_nobody_reports_their_own_comment(alice, tao):
    with pytest.raises(ValidationError):
        services.comment_report(comment=comment(alice, "x"), reporter=alice, reason="spam")


def test_three_different_reporters_hide_a_comment_pending_review(alice, bob, charlie, tao):
    posted = comment(alice, "scam link")
    services.comment_report(comment=posted, reporter=_with_standing(bob), reason="scam")
    services.comment_report(comment=posted, reporter=_with_standing(charlie), reason="scam")
    posted.refresh_from_db()
    assert posted.state == Comment.State.VISIBLE
    dan = _with_standing(_user("dan"))
    services.comment_report(comment=posted, reporter=dan, reason="other", text="fraud")
    posted.refresh_from_db()
    assert posted.state == Comment.State.PENDING
    action = ModerationAction.objects.get()
    assert action.action == "auto_hide" and action.moderator is None and action.comment == posted


def test_the_threshold_comes_from_the_settings(alice, bob, tao, settings):
    settings.COMMENT_REPORT_THRESHOLD = 1
    posted = comment(alice, "x")
    services.comment_report(comment=posted, reporter=_with_standing(bob), reason="spam")
    posted.refresh_from_db()
    assert posted.state == Comment.State.PENDING


def test_three_throwaway_accounts_cannot_hide_a_comment_but_reach_the_queue(alice, tao):
    posted = comment(alice, "an honest opinion")
    for name in ("throwaway1", "throwaway2", "throwaway3"):
        services.comment_report(comment=posted, reporter=_user(name), reason="abuse")
    posted.refresh_from_db()
    assert posted.state == Comment.State.VISIBLE
    assert not ModerationAction.objects.exists()
    assert list(selectors.moderation_queue()) == [posted]


@pytest.mark.parametrize(
    "lacking",
    ["a week old", "a comment shown", "a muted reporter"],
)
def test_only_reporters_with_standing_count_towards_hiding(
    alice, bob, staff, tao, settings, lacking
):
    settings.COMMENT_REPORT_THRESHOLD = 1
    posted = comment(alice, "x")
    reporter = _with_standing(bob, days=6 if lacking == "a week old" else 30)
    if lacking == "a comment shown":
        services.comment_hide(comment=reporter.comments.get(), moderator=staff, reason="spam")
    if lacking == "a muted reporter":
        services.user_mute(user=reporter, moderator=staff, days=1, reason="flooding")
    services.comment_report(comment=posted, reporter=reporter, reason="spam")
    posted.refresh_from_db()
    assert posted.state == Comment.State.VISIBLE
    assert Mute.objects.count() == (lacking == "a muted reporter")


def test_a_moderators_report_counts_whatever_the_age_of_their_account(alice, staff, tao, settings):
    settings.COMMENT_REPORT_THRESHOLD = 1
    posted = comment(alice, "x")
    services.comment_report(comment=posted, reporter=staff, reason="scam")
    posted.refresh_from_db()
    assert posted.state == Comment.State.PENDING


def test_staff_hide_restore_and_dismiss_and_every_action_is_recorded(alice, bob, staff, tao):
    posted = comment(alice, "x")
    services.comment_report(comment=posted, reporter=bob, reason="abuse")
    services.comment_hide(comment=posted, moderator=staff, reason="insults")
    posted.refresh_from_db()
    assert posted.state == Comment.State.HIDDEN
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    services.comment_restore(comment=posted, moderator=staff, reason="on appeal")
    posted.refresh_from_db()
    assert posted.state == Comment.State.VISIBLE
    services.reports_dismiss(comment=posted, moderator=staff)
    log = list(ModerationAction.objects.order_by("pk").values_list("action", "moderator", "reason"))
    assert log == [
        ("hide", staff.pk, "insults"),
        ("restore", staff.pk, "on appeal"),
        ("dismiss", staff.pk, ""),
    ]


def test_dismissing_reports_shows_a_comment_hidden_by_them_again(alice, staff, tao, settings):
    settings.COMMENT_REPORT_THRESHOLD = 1
    posted = comment(alice, "x")
    services.comment_report(comment=posted, reporter=_with_standing(_user("dan")), reason="spam")
    services.reports_dismiss(comment=posted, moderator=staff, reason="fine")
    posted.refresh_from_db()
    assert posted.state == Comment.State.VISIBLE


def test_only_staff_moderate_or_mute(alice, bob, tao):
    posted = comment(alice, "x")
    for action in (services.comment_hide, services.comment_restore, services.reports_dismiss):
        with pytest.raises(PermissionDenied):
            action(comment=posted, moderator=bob, reason="")
    with pytest.raises(PermissionDenied):
        services.user_mute(user=alice, moderator=bob, days=1, reason="x")
    assert not ModerationAction.objects.exists()


def test_a_mute_is_recorded_with_its_reason(alice, staff):
    mute = services.user_mute(user=alice, moderator=staff, days=7, reason="flooding")
    assert mute.by == staff
    assert ModerationAction.objects.get().user == alice


# --- The queue page ------------------------------------------------------------------------


def test_the_queue_is_a_404_to_everyone_but_staff(client, alice, tao):
    assert client.get("/moderation/").status_code == 404
    client.force_login(alice)
    assert client.get("/moderation/").status_code == 404
    posted = comment(alice, "x")
    assert client.post(f"/moderation/comments/{posted.pk}/", {"action": "hide"}).status_code == 404
    assert client.post("/moderation/mute/", {"username": "alice"}).status_code == 404


def test_the_queue_s_post_only_addresses_are_a_404_to_everyone_but_staff_not_a_405(
    client, alice, staff, tao
):
    posted = comment(alice, "x")
    for who in (None, alice):
        if who:
            client.force_login(who)
        assert client.get(f"/moderation/comments/{posted.pk}/").status_code == 404
        assert client.get("/moderation/mute/").status_code == 404
        assert client.put("/moderation/").status_code == 404
    client.force_login(staff)
    assert client.get("/moderation/mute/").status_code == 405


def test_staff_see_reported_comments_and_hide_them_from_the_queue(client, alice, bob, staff, tao):
    posted = comment(alice, "buy my *coin*")
    services.comment_report(comment=posted, reporter=bob, reason="scam", text="phishing")
    client.force_login(staff)
    html = client.get("/moderation/").content.decode()
    assert "buy my <em>coin</em>" in html and "phishing" in html
    response = client.post(
        f"/moderation/comments/{posted.pk}/", {"action": "hide", "reason": "scam"}, follow=True
    )
    assert response.status_code == 200
    posted.refresh_from_db()
    assert posted.state == Comment.State.HIDDEN
    client.force_login(bob)
    page = client.get("/tokens/TAO/comments/").content.decode()
    assert "Removed by a moderator." in page and "buy my" not in page


@pytest.mark.parametrize("where", ["inactive token", "unpublished list"])
def test_staff_act_from_the_queue_on_a_reported_comment_whose_token_or_list_went_private(
    client, alice, bob, staff, tao, ai_list, where
):
    target = {"token": tao} if where == "inactive token" else {"token_list": ai_list}
    posted = comment(alice, "a scam link", **target)
    services.comment_report(comment=posted, reporter=bob, reason="scam")
    if where == "inactive token":
        tao.is_active = False
        tao.save()
    else:
        ai_list.is_featured = ai_list.is_public = False
        ai_list.save()
    client.force_login(staff)
    assert f"/moderation/comments/{posted.pk}/" in client.get("/moderation/").content.decode()

    response = client.post(
        f"/moderation/comments/{posted.pk}/", {"action": "hide", "reason": "scam"}, follow=True
    )

    assert response.status_code == 200
    assert f"Done: comment {posted.pk}." in response.content.decode()
    posted.refresh_from_db()
    assert posted.state == Comment.State.HIDDEN and not posted.reports.filter(
        resolved_at__isnull=True
    )


@pytest.mark.parametrize("where", ["inactive token", "unpublished list"])
def test_the_queue_links_a_comment_on_a_private_token_or_list_to_a_page_staff_can_open(
    client, alice, bob, staff, tao, near, ai_list, where
):
    target = {"token": tao} if where == "inactive token" else {"token_list": ai_list}
    private = comment(alice, "a scam link", **target)
    public = comment(alice, "spam on NEAR", token=near)
    for posted in (private, public):
        services.comment_report(comment=posted, reporter=bob, reason="scam")
    services.comment_hide(comment=private, moderator=staff, reason="scam")
    if where == "inactive token":
        tao.is_active = False
        tao.save()
    else:
        ai_list.is_featured = ai_list.is_public = False
        ai_list.save()
    client.force_login(staff)

    html = client.get("/moderation/").content.decode()

    admin_page = f"/admin/discussions/comment/{private.pk}/change/"
    assert f'href="/comments/{private.pk}/"' not in html  # a 404, staff included
    assert html.count(f'href="{admin_page}"') == 2  # the removed comment and the log
    assert client.get(admin_page).status_code == 200
    assert f'href="/comments/{public.pk}/"' in html
    assert client.get(f"/comments/{public.pk}/").status_code == 200


def test_a_moderator_without_access_to_comments_in_the_admin_gets_no_dead_link(
    client, alice, bob, tao
):
    moderator = _user("moderator", is_staff=True)
    posted = comment(alice, "a scam link")
    services.comment_report(comment=posted, reporter=bob, reason="scam")
    tao.is_active = False
    tao.save()
    client.force_login(moderator)

    html = client.get("/moderation/").content.decode()

    assert f"#{posted.pk}" in html and f'href="/comments/{posted.pk}/"' not in html
    assert "/admin/discussions/comment/" not in html


def test_staff_mute_a_user_from_the_queue(client, alice, staff):
    client.force_login(staff)
    client.post("/moderation/mute/", {"username": "alice", "days": "3", "reason": "spam"})
    assert alice.discussion_mutes.count() == 1
    response = client.post(
        "/moderation/mute/", {"username": "nobody", "days": "3", "reason": "x"}, follow=True
    )
    assert "No user with this name." in response.content.decode()


def test_the_queue_page_reads_in_a_fixed_number_of_queries(
    client, alice, bob, staff, tao, django_assert_max_num_queries, no_rate_limits
):
    for n in range(20):
        services.comment_report(comment=comment(alice, f"x{n}"), reporter=bob, reason="spam")
    for posted in Comment.objects.all()[:10]:  # removed ones and the log list them too
        services.comment_hide(comment=posted, moderator=staff, reason="spam")
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        assert client.get("/moderation/").status_code == 200


def test_a_long_queue_is_paged_and_its_title_counts_every_comment_waiting(
    client, alice, staff, tao, no_rate_limits
):
    import re

    for n in range(60):
        comment(alice, f"wave {n}")
    Comment.objects.update(state=Comment.State.PENDING)
    client.force_login(staff)

    pages = [client.get(f"/moderation/?page={n}").content.decode() for n in (1, 2, 3)]

    listed = [set(re.findall(r"/moderation/comments/(\d+)/", page)) for page in pages]
    assert [len(ids) for ids in listed] == [25, 25, 10]
    assert set().union(*listed) == {str(pk) for pk in Comment.objects.values_list("pk", flat=True)}
    assert all("Waiting for review (60)" in page for page in pages)
    assert 'rel="next"' in pages[0] and 'rel="prev"' in pages[2] and 'rel="next"' not in pages[2]
    client.cookies["django_language"] = "fr"
    french = client.get("/moderation/?page=2").content.decode()
    assert "Page 2 sur 3" in french and "Précédents" in french and "Suivants" in french


@pytest.mark.parametrize("page", ["0", "-1", "abc"])
def test_a_queue_page_number_below_one_shows_the_first_page_like_any_bad_number(
    client, alice, staff, tao, no_rate_limits, page
):
    for n in range(30):
        comment(alice, f"wave {n}")
    Comment.objects.update(state=Comment.State.PENDING)
    client.force_login(staff)

    html = client.get(f"/moderation/?page={page}").content.decode()

    assert "Page 1 of 2" in html


# --- The report rate limit ------------------------------------------------------------------


def test_reports_are_rate_limited_per_minute_like_comments(alice, bob, tao, settings):
    import time_machine

    settings.COMMENT_RATE_PER_MINUTE = 100

    with time_machine.travel(timezone.now(), tick=False) as frozen:
        posted = [comment(alice, f"c{n}") for n in range(7)]
        for one in posted[:5]:
            services.comment_report(comment=one, reporter=bob, reason="spam")
        with pytest.raises(services.CommentRateLimited) as caught:
            services.comment_report(comment=posted[5], reporter=bob, reason="spam")
        assert "report at most 5 comments a minute" in caught.value.message
        assert caught.value.retry_after == 61
        assert Report.objects.count() == 5
        frozen.shift(timedelta(seconds=61))
        services.comment_report(comment=posted[5], reporter=bob, reason="spam")


def test_reports_are_rate_limited_per_day(alice, bob, tao, settings, no_rate_limits):
    settings.REPORT_RATE_PER_MINUTE = 100
    settings.REPORT_RATE_PER_DAY = 2
    posted = [comment(alice, f"c{n}") for n in range(3)]
    for one in posted[:2]:
        services.comment_report(comment=one, reporter=bob, reason="spam")
    with pytest.raises(services.CommentRateLimited) as caught:
        services.comment_report(comment=posted[2], reporter=bob, reason="spam")
    assert "report at most 2 comments a day" in caught.value.message


def test_a_rate_limited_report_is_a_429_on_the_page_and_in_the_api(
    client, api_client, alice, bob, tao, settings, no_rate_limits
):
    settings.REPORT_RATE_PER_MINUTE = 1
    first, second, third = (comment(alice, f"c{n}") for n in range(3))
    services.comment_report(comment=first, reporter=bob, reason="spam")
    client.force_login(bob)
    api_client.force_authenticate(bob)

    page = client.post(f"/comments/{second.pk}/report/", {"reason": "spam"})
    api = api_client.post(f"/api/v1/comments/{third.pk}/report/", {"reason": "spam"}, format="json")

    assert page.status_code == 429 and "report at most 1 comment a minute" in page.content.decode()
    assert api.status_code == 429 and int(api["Retry-After"]) > 0
    assert Report.objects.count() == 1


def test_the_auto_hide_reason_reads_in_the_moderators_language_not_the_reporters(
    client, alice, staff, tao, settings
):
    from django.utils import translation

    settings.COMMENT_REPORT_THRESHOLD = 1
    posted = comment(alice, "buy my coin")
    with translation.override("fr"):  # the reporter who crosses the threshold reads French
        services.comment_report(comment=posted, reporter=staff, reason="spam")
    client.force_login(staff)

    english = client.get("/moderation/").content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get("/moderation/").content.decode()

    assert "<td>1 report</td>" in english and "signalement" not in english
    assert "<td>1 signalement</td>" in french
