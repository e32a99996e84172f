"""The inbox, the bell, read marks and the public notification_create service."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.services import notification_create

pytestmark = pytest.mark.django_db
BELL = {"HX-Request": "true", "HX-Target": "nav-bell"}


def notify(user, n: int = 1) -> list[Notification]:
    return [
        notification_create(
            user=user, kind="alert", title=f"BTC crossed down {i}", url="/tokens/BTC/"
        )
        for i in range(n)
    ]


def test_the_inbox_lists_a_users_notifications_linking_to_the_token(client, alice, bob):
    notify(alice)
    notification_create(user=bob, kind="reply", title="Bob's own", url="/")
    client.force_login(alice)
    page = client.get("/notifications/").content.decode()
    assert '<a href="/tokens/BTC/">BTC crossed down 0</a>' in page
    assert "Bob's own" not in page


def test_the_inbox_is_paginated_with_the_same_queries_for_5_and_50(client, alice):
    client.force_login(alice)
    counts = []
    for n in (5, 45):
        notify(alice, n)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/notifications/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert 'rel="next"' in client.get("/notifications/").content.decode()


def test_the_bell_shows_the_unread_count_and_polls_with_htmx(client, alice):
    notify(alice, 3)
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert 'href="/notifications/" hx-get="/notifications/" hx-trigger="load, every 30s"' in page
    assert "data-unread" not in page  # the page itself runs no query for the bell
    bell = client.get("/notifications/", headers=BELL).content.decode()
    assert bell.startswith('<a id="nav-bell" href="/notifications/"')
    assert 'data-unread="3"' in bell
    assert 'hx-trigger="every 30s"' in bell  # no "load" again: no request loop


def test_marking_one_then_all_read(client, alice):
    first, *_ = notify(alice, 3)
    client.force_login(alice)
    client.post(f"/notifications/{first.pk}/read/")
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "data-unread" not in client.get("/notifications/", headers=BELL).content.decode()


@pytest.mark.parametrize("who", ["bob", "staff"])
def test_another_users_notification_cannot_be_marked_read(client, alice, who, request):
    (notification,) = notify(alice)
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert client.post("/notifications/abc/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/", headers=BELL).status_code == 286  # htmx: stop polling


def test_the_inbox_is_never_cached(client, alice):
    notify(alice)
    client.force_login(alice)
    response = client.get("/notifications/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_inbox_refuses_other_http_methods(client, alice, method):
    client.force_login(alice)
    assert getattr(client, method)("/notifications/").status_code == 405


def test_marking_a_notification_read_on_page_2_returns_to_page_2(client, alice):
    import re

    notify(alice, 25)
    client.force_login(alice)
    page = client.get("/notifications/?page=2").content.decode()
    form = re.search(r'<form method="post" action="(/notifications/\d+/read/)".*?</form>', page)
    assert form, page
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
    fields = {name: value.replace("&amp;", "&") for name, value in fields.items()}
    response = client.post(form.group(1), fields)
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=2"


def test_mark_all_read_leaves_unread_what_arrived_after_the_page_was_shown(client, alice):
    import re

    notify(alice, 2)
    client.force_login(alice)
    page = client.get("/notifications/").content.decode()
    form = re.search(r'action="/notifications/read-all/".*?</form>', page, re.DOTALL).group(0)
    up_to = re.search(r'name="up_to" value="(\d+)"', form).group(1)
    (late,) = notify(alice)  # arrives while the page is open
    response = client.post("/notifications/read-all/", {"up_to": up_to})
    assert response.status_code == 302
    unread = Notification.objects.filter(read_at__isnull=True)
    assert list(unread) == [late]
    assert 'data-unread="1"' in client.get("/notifications/", headers=BELL).content.decode()


def test_mark_all_read_with_a_bad_up_to_is_a_400_marking_nothing(client, alice):
    notify(alice, 2)
    client.force_login(alice)
    for bad in ("abc", "-1", "9" * 30):
        assert client.post("/notifications/read-all/", {"up_to": bad}).status_code == 400
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_the_inbox_writes_its_times_as_the_other_pages_do_in_each_language(client, alice):
    from datetime import UTC, datetime

    from django.conf import settings

    note = notification_create(user=alice, kind="alert", title="BTC crossed down", url="/")
    when = datetime(2026, 2, 5, 14, 30, tzinfo=UTC)
    Notification.objects.filter(pk=note.pk).update(created_at=when)
    client.force_login(alice)

    english = client.get("/notifications/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get("/notifications/").content.decode()

    assert "Feb. 5, 2026, 14:30 UTC" in english  # was "2026-02-05 14:30 UTC" in both
    assert "5 février 2026, 14:30 UTC" in french


@pytest.mark.parametrize(
    ("language", "lede", "empty"),
    [
        ("en", "What your alerts found and the replies to your comments.",
         "No notifications yet. They appear here when one of your alerts fires or someone "
         "replies to one of your comments."),
        ("fr", "Ce que vos alertes ont trouvé et les réponses à vos commentaires.",
         "Aucune notification pour l\u2019instant. Elles apparaissent ici quand une de vos "
         "alertes se déclenche ou que quelqu\u2019un répond à un de vos commentaires."),
    ],
)  # fmt: skip
def test_the_empty_inbox_names_both_things_that_reach_it(client, alice, language, lede, empty):
    """The inbox said it holds what alerts found ("Set an alert and they will appear here"),
    yet replies to one's comments arrive there too."""
    client.force_login(alice)
    page = client.get("/notifications/", headers={"Accept-Language": language}).content.decode()
    assert lede in page and empty in page


@pytest.mark.parametrize("page", ["0", "-1"])
def test_page_zero_or_negative_shows_the_first_page_not_the_last(client, alice, page):
    """Django's get_page turns 0 and negative numbers into the last page."""
    notify(alice, 25)
    client.force_login(alice)
    first = client.get("/notifications/").context["page"].number
    shown = client.get(f"/notifications/?page={page}").context["page"].number
    assert (first, shown) == (1, 1)
