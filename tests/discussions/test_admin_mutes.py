"""Every change to a mute goes through the moderation services and into the moderation log,
whoever makes it and wherever: a mute changed in the admin is checked and logged with who
changed it; a mute is never deleted there (its history stays), it is lifted: it ends now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from discussions import services
from discussions.models import ModerationAction, Mute
from tests.conftest import _user
from tests.discussions.conftest import comment


@pytest.fixture
def moderator(db):
    """A second staff member: the one who changes or lifts what ``staff`` imposed."""
    return _user("moderator", is_staff=True, is_superuser=True)


@pytest.fixture
def mute(alice, staff):
    return services.user_mute(user=alice, moderator=staff, days=7, reason="flooding")


def _change(client, mute, until: str, reason: str, **extra):
    return client.post(
        f"/admin/discussions/mute/{mute.pk}/change/",
        {"until_0": until, "until_1": "00:00:00", "reason": reason, **extra},
    )


def _log() -> list[tuple]:
    return list(
        ModerationAction.objects.order_by("pk").values_list("action", "moderator__username",
                                                            "user__username", "reason")
    )  # fmt: skip


def test_a_mute_changed_in_the_admin_is_logged_with_who_changed_it(client, mute, moderator, tao):
    client.force_login(moderator)
    forged = {"user": moderator.pk, "by": moderator.pk, "created_at_0": "2020-01-01"}
    response = _change(client, mute, "2030-01-01", "flooding, again", **forged)
    assert response.status_code == 302
    changed = Mute.objects.get()
    assert (changed.until.year, changed.reason) == (2030, "flooding, again")
    # who was muted, by whom and when stay as they were: only the end and the reason change
    assert (changed.user, changed.by, changed.created_at) == (mute.user, mute.by, mute.created_at)
    assert _log() == [
        ("mute", "staff", "alice", "flooding"),
        ("mute_edit", "moderator", "alice", "flooding, again"),
    ]


@pytest.mark.parametrize(
    ("until", "reason", "field"),
    [("2020-01-01", "x", "until"), ("2099-01-01", "x", "until"), ("2030-01-01", "  ", "reason")],
)
def test_a_mute_changed_in_the_admin_is_checked_as_a_new_one(
    client, mute, moderator, until, reason, field
):
    client.force_login(moderator)
    response = _change(client, mute, until, reason)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert Mute.objects.get().reason == "flooding" and len(_log()) == 1


def test_saving_a_mute_unchanged_in_the_admin_logs_nothing(client, mute, moderator):
    client.force_login(moderator)
    local = timezone.localtime(mute.until)
    response = client.post(
        f"/admin/discussions/mute/{mute.pk}/change/",
        {"until_0": local.date().isoformat(), "until_1": local.strftime("%H:%M:%S.%f"),
         "reason": "flooding"},
    )  # fmt: skip
    assert response.status_code == 302 and len(_log()) == 1


def test_a_mute_cannot_be_deleted_in_the_admin_only_lifted(client, mute, moderator):
    client.force_login(moderator)
    assert client.get(f"/admin/discussions/mute/{mute.pk}/delete/").status_code == 403
    client.post(f"/admin/discussions/mute/{mute.pk}/delete/", {"post": "yes"})
    client.post(
        "/admin/discussions/mute/",
        {"action": "delete_selected", "_selected_action": [mute.pk], "post": "yes"},
    )
    assert Mute.objects.filter(pk=mute.pk).exists() and len(_log()) == 1


def test_lifting_a_mute_in_the_admin_ends_it_now_and_logs_it(client, mute, moderator, alice, tao):
    client.force_login(moderator)
    response = client.post(
        "/admin/discussions/mute/",
        {"action": "action_mute_lift", "_selected_action": [mute.pk]},
    )
    assert response.status_code == 302
    lifted = Mute.objects.get()
    assert lifted.until <= timezone.now() and lifted.reason == "flooding"
    assert _log()[1:] == [("unmute", "moderator", "alice", "admin")]
    comment(alice, "back")  # no longer muted


def test_a_mute_that_has_ended_is_not_lifted_again(mute, moderator):
    services.mute_lift(mute=mute, moderator=moderator)
    with pytest.raises(ValidationError):
        services.mute_lift(mute=mute, moderator=moderator)
    assert len(_log()) == 2


def test_a_moderator_cannot_change_or_lift_their_own_mute(staff, moderator):
    own = services.user_mute(user=moderator, moderator=staff, days=7, reason="heated")
    with pytest.raises(ValidationError):
        services.mute_change(
            mute=own, moderator=moderator, until=timezone.now() + timedelta(hours=1), reason="ok"
        )
    with pytest.raises(ValidationError):
        services.mute_lift(mute=own, moderator=moderator)
    own.refresh_from_db()
    assert own.reason == "heated" and own.until > timezone.now() + timedelta(days=6)


def test_the_moderation_page_names_the_change_and_the_lift(client, mute, moderator):
    services.mute_change(
        mute=mute, moderator=moderator, until=timezone.now() + timedelta(days=1), reason="shorter"
    )
    services.mute_lift(mute=mute, moderator=moderator, reason="apologised")
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert "Mute changed" in html and "Mute lifted" in html and "apologised" in html


def test_the_admin_refuses_a_moderators_change_to_their_own_mute_with_a_message(
    client, staff, moderator
):
    own = services.user_mute(user=moderator, moderator=staff, days=7, reason="heated")
    client.force_login(moderator)
    response = _change(client, own, "2030-01-01", "over")
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == ["You cannot mute yourself."]
    assert Mute.objects.get().reason == "heated"


def test_the_french_log_names_the_lift(client, mute, moderator):
    services.mute_lift(mute=mute, moderator=moderator, reason="excuses")
    client.force_login(moderator)
    html = client.get("/moderation/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Mise en sourdine levée" in html
