"""The notifications API: mark-all-read up to what the client listed."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from notifications.services import notification_create

pytestmark = pytest.mark.django_db
READ_ALL = "/api/v1/notifications/read-all/"


def notify(user, n: int = 1) -> list[Notification]:
    return [
        notification_create(user=user, kind="alert", title=f"n{i}", url="/tokens/BTC/")
        for i in range(n)
    ]


def test_mark_all_read_up_to_the_newest_listed_leaves_a_later_notification_unread(
    api_client, alice
):
    notify(alice, 2)
    api_client.force_authenticate(alice)
    newest = api_client.get("/api/v1/notifications/").json()["results"][0]["id"]
    (late,) = notify(alice)  # arrives after the client listed

    response = api_client.post(READ_ALL, {"up_to": newest}, format="json")

    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert list(Notification.objects.filter(read_at__isnull=True)) == [late]
    assert api_client.post(READ_ALL).json() == {"marked": 1}  # without it: everything


@pytest.mark.parametrize("bad", ["abc", 1.5, True, None, [1], 0, -1, "9" * 30, 2**63])
def test_mark_all_read_with_a_bad_up_to_is_a_400_naming_it_and_marks_nothing(
    api_client, alice, bad
):
    notify(alice, 2)
    api_client.force_authenticate(alice)

    response = api_client.post(READ_ALL, {"up_to": bad}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["up_to"]
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_the_schema_documents_the_optional_up_to_of_mark_all_read(openapi):
    operation = openapi["paths"][READ_ALL]["post"]
    body = operation["requestBody"]
    assert not body.get("required")
    schema = body["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    up_to = schema["properties"]["up_to"]
    assert up_to["type"] == "integer" and up_to["minimum"] == 1
    assert "up_to" not in schema.get("required", []) and up_to["description"]


def test_marking_one_read_with_a_body_of_another_media_type_is_the_documented_415(
    api_client, alice, openapi
):
    (notification,) = notify(alice)
    api_client.force_authenticate(alice)
    path = "/api/v1/notifications/{id}/read/"

    response = api_client.generic(
        "POST", path.format(id=notification.pk), "read", content_type="text/plain"
    )

    assert response.status_code == 415
    notification.refresh_from_db()
    assert notification.read_at is None
    documented = openapi["paths"][path]["post"]["responses"]
    assert documented["415"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_a_notification_url_is_absolute_in_the_api_so_a_client_can_follow_it(api_client, alice):
    """The inbox page links /tokens/BTC/ relative to itself; an API client has no page to
    resolve that against, so the API gives the same path on the host it was asked on."""
    (notification,) = notify(alice)
    notification_create(user=alice, kind="alert", title="no link")
    api_client.force_authenticate(alice)

    listed = api_client.get("/api/v1/notifications/", HTTP_HOST="localhost:8000")
    read = api_client.post(f"/api/v1/notifications/{notification.pk}/read/")

    urls = [n["url"] for n in listed.json()["results"]]
    assert urls == ["", "http://localhost:8000/tokens/BTC/"]
    assert read.json()["url"] == "http://testserver/tokens/BTC/"
    notification.refresh_from_db()
    assert notification.url == "/tokens/BTC/"  # stored (and shown on the page) as it was


def test_the_schema_says_a_notification_url_is_a_uri_or_empty(openapi):
    url = openapi["components"]["schemas"]["Notification"]["properties"]["url"]
    assert {"type": "string", "format": "uri", "minLength": 1} in url["oneOf"]
    assert {"type": "string", "maxLength": 0} in url["oneOf"]


@pytest.mark.parametrize(("given", "read"), [("true", False), ("false", True)])
def test_unread_true_lists_the_unread_ones_and_false_the_read_ones(api_client, alice, given, read):
    first, second, third = notify(alice, 3)
    Notification.objects.filter(pk=second.pk).update(read_at="2026-02-06T12:00Z")
    api_client.force_authenticate(alice)

    listed = api_client.get(f"/api/v1/notifications/?unread={given}").json()

    expected = [second.pk] if read else [third.pk, first.pk]
    assert [n["id"] for n in listed["results"]] == expected and listed["count"] == len(expected)


@pytest.mark.parametrize("bad", ["maybe", "", "2"])
def test_an_unread_other_than_true_or_false_is_a_400_naming_it(api_client, alice, bad):
    notify(alice)
    api_client.force_authenticate(alice)

    response = api_client.get(f"/api/v1/notifications/?unread={bad}")

    assert response.status_code == 400 and list(response.json()["errors"]) == ["unread"]


def test_the_schema_documents_the_unread_filter(openapi):
    params = openapi["paths"]["/api/v1/notifications/"]["get"]["parameters"]
    (unread,) = [p for p in params if p["name"] == "unread"]
    assert unread["in"] == "query" and unread["schema"]["type"] == "boolean"
    assert unread["description"] and not unread.get("required")
