"""A URL missing its final slash is redirected with a 308, which keeps a POST a POST; a page
served to a signed-in visitor is kept out of shared caches."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_a_post_without_the_final_slash_is_sent_on_with_its_method(client, settings, debug):
    settings.DEBUG = debug

    response = client.post("/api/v1/auth/token?x=1", {"username": "a", "password": "b"})

    assert response.status_code == 308
    assert response["Location"] == "/api/v1/auth/token/?x=1"


def test_following_the_redirect_creates_instead_of_listing(api_client, django_user_model):
    user = django_user_model.objects.create_user("alice", password="pw-123456!")
    api_client.force_authenticate(user)

    response = api_client.post("/api/v1/watchlists", {"name": "Core"}, format="json", follow=True)

    assert response.status_code == 201
    assert response.json()["name"] == "Core"


def test_a_page_without_the_final_slash_still_redirects(client):
    response = client.get("/lists")

    assert response.status_code == 308
    assert response["Location"] == "/lists/"


def test_a_page_served_to_a_signed_in_visitor_is_private(client, alice):
    client.force_login(alice)

    response = client.get("/")

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_an_anonymous_page_stays_shareable(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


def test_a_view_that_sets_its_own_cache_control_keeps_it(client, alice):
    client.force_login(alice)

    response = client.get("/watchlists/")

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache"} <= directives
