from django.contrib.auth import get_user_model


def test_a_user_can_get_a_token_with_the_email_they_signed_up_with(api_client, db):
    get_user_model().objects.create_user("u7f3a", email="Ines@Example.org", password="pw-123456!")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "ines@example.org", "password": "pw-123456!"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["token"]


def test_a_wrong_password_with_an_email_is_still_a_400(api_client, db):
    get_user_model().objects.create_user("u7f3a", email="ines@example.org", password="pw-123456!")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "ines@example.org", "password": "nope"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
