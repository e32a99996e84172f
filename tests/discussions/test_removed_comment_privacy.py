"""A comment the moderators removed (or reports hid) shows nothing of what its author said,
in the API as on the pages: no text and no stance."""

from __future__ import annotations

from discussions import services
from tests.discussions.conftest import comment


def test_the_api_shows_no_stance_of_a_removed_or_pending_comment(api_client, alice, staff, tao):
    removed = services.comment_create(author=alice, body="to the moon", stance="bullish", token=tao)
    pending = services.comment_create(author=alice, body="dump it", stance="bearish", token=tao)
    shown = comment(alice, "fine")
    services.comment_hide(comment=removed, moderator=staff, reason="pump")
    pending.state = pending.State.PENDING
    pending.save(update_fields=["state"])

    items = {c["id"]: c for c in api_client.get("/api/v1/tokens/TAO/comments/").json()["results"]}

    assert items[removed.pk]["stance"] == items[pending.pk]["stance"] == ""
    assert items[removed.pk]["body"] == items[pending.pk]["body"] == ""
    assert items[shown.pk]["stance"] == ""
    page = api_client.get(f"/api/v1/comments/{removed.pk}/").json()
    assert page["stance"] == "" and page["body"] == ""


def test_staff_still_read_the_stance_of_a_removed_comment(api_client, alice, staff, tao):
    removed = services.comment_create(author=alice, body="to the moon", stance="bullish", token=tao)
    services.comment_hide(comment=removed, moderator=staff, reason="pump")
    api_client.force_authenticate(staff)

    item = api_client.get(f"/api/v1/comments/{removed.pk}/").json()

    assert item["stance"] == "bullish" and item["body"] == "to the moon"
