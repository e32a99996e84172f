"""A URL missing its final slash is redirected with a 308, which keeps a POST a POST."""

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
