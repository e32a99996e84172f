"""A reply to your comment lands in your notifications, in your language, linking to it."""

from __future__ import annotations

import pytest
from django.utils import translation

from discussions import services
from discussions.services.notices import reply_notice_params, reply_notice_title
from notifications.models import Notification
from tests.discussions.conftest import comment

pytestmark = pytest.mark.django_db


def test_a_reply_notifies_the_author_of_the_comment_once(
    alice, bob, tao, django_capture_on_commit_callbacks
):
    top = comment(alice, "TAO will bounce")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_create(author=bob, body="Not so sure", token=tao, parent=top)

    [notice] = Notification.objects.filter(user=alice)
    assert notice.kind == "reply"
    assert notice.title == f"{bob.public_name} replied to your comment on TAO"
    assert notice.body == "Not so sure"
    assert notice.url == f"/comments/{top.pk}/#comment-{reply.pk}"
    assert not Notification.objects.filter(user=bob).exists()


def test_replying_in_your_own_thread_notifies_nobody(
    alice, tao, django_capture_on_commit_callbacks
):
    top = comment(alice, "first")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=alice, body="and more", token=tao, parent=top)
    assert not Notification.objects.exists()


def test_the_notice_speaks_the_authors_language(
    alice, bob, tao, django_capture_on_commit_callbacks
):
    alice.preferred_language = "fr"
    alice.save(update_fields=["preferred_language"])
    top = comment(alice, "Rebond ?")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=bob, body="Non", token=tao, parent=top)
    title = Notification.objects.get(user=alice).title
    assert title == f"{bob.public_name} a répondu à votre commentaire sur TAO"


def test_the_link_opens_a_page_with_the_reply_however_many_comments_follow(
    client, alice, bob, tao, no_rate_limits, django_capture_on_commit_callbacks
):
    top = comment(alice, "ICP will bounce")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_create(author=bob, body="Not so sure", token=tao, parent=top)
    for number in range(20):
        comment(bob, f"newer comment {number}")

    path, anchor = Notification.objects.get(user=alice).url.split("#")
    client.force_login(alice)
    html = client.get(path).content.decode()

    assert f'id="{anchor}"' in html and anchor == f"comment-{reply.pk}"
    assert "Not so sure" in html and "ICP will bounce" in html


def test_the_notice_previews_the_reply_only_while_others_can_read_it(
    alice, bob, staff, tao, django_capture_on_commit_callbacks
):
    top = comment(alice, "TAO will bounce")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_create(author=bob, body="You are an idiot", token=tao, parent=top)

    def preview() -> str:
        return Notification.objects.get(user=alice).body

    services.comment_hide(comment=reply, moderator=staff, reason="abuse")
    assert preview() == ""  # the moderator's removal holds in the inbox too
    services.comment_restore(comment=reply, moderator=staff, reason="on second thoughts")
    assert preview() == "You are an idiot"
    services.comment_edit(comment=reply, user=bob, body="Not so sure")
    assert preview() == "Not so sure"
    services.comment_delete(comment=reply, user=bob)
    assert preview() == ""


def test_a_reply_notice_names_a_deleted_replier_in_the_readers_language():
    params = reply_notice_params(name=None, target="TAO")

    with translation.override("fr"):
        french = reply_notice_title(params)

    assert reply_notice_title(params) == "deleted user replied to your comment on TAO"
    assert french == "utilisateur supprimé a répondu à votre commentaire sur TAO"
