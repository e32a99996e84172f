"""Moderators mute someone by the name the thread shows: a display name, a member handle,
or the handle an account with a hand-chosen username is shown by (never its username)."""

from __future__ import annotations

import pytest

from tests.conftest import _user


def _mute(client, name: str):
    return client.post(
        "/moderation/mute/", {"username": name, "days": "3", "reason": "spam"}, follow=True
    )


def test_staff_mute_someone_by_the_handle_the_thread_shows_for_a_chosen_username(
    client, alice, staff
):
    assert alice.public_name != alice.username  # "alice" was chosen by hand: never shown
    client.force_login(staff)

    _mute(client, alice.public_name)

    assert alice.discussion_mutes.count() == 1


@pytest.mark.parametrize("typed", ["Dora the analyst", "dora THE analyst", " Dora  the analyst "])
def test_staff_mute_someone_by_their_display_name_whatever_its_case(client, staff, typed):
    dora = _user("member-doradora", display_name="Dora the analyst")
    client.force_login(staff)

    _mute(client, typed)

    assert dora.discussion_mutes.count() == 1


def test_an_unknown_name_is_still_refused(client, alice, staff):
    client.force_login(staff)

    response = _mute(client, "member-zzzzzzzz")

    assert "No user with this name." in response.content.decode()
    assert not alice.discussion_mutes.exists()
