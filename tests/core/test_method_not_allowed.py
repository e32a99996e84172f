"""A page address that only takes forms, visited: a page that says so, not a blank 405.

The usual way there: a session expired (or the user signed out in another tab), a form is
sent, sign-in follows with ?next= the form's address, and the browser then GETs it.
"""

from __future__ import annotations

import pytest

from discussions.services.comments import comment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(alice, tao):
    return comment_create(author=alice, body="TAO looks oversold.", token=tao)


def test_it_explains_a_form_only_address_instead_of_a_blank_page(client, alice, comment):
    client.force_login(alice)

    response = client.get(f"/comments/{comment.pk}/reply/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "text/html" in response["Content-Type"]
    page = response.content.decode()
    assert "<h1>Nothing to show here</h1>" in page
    assert 'href="/"' in page


def test_it_explains_it_in_french_to_a_french_reader(client, alice, comment):
    client.force_login(alice)

    response = client.get(f"/comments/{comment.pk}/reply/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 405
    assert "<h1>Rien à afficher ici</h1>" in response.content.decode()


def test_signing_in_again_after_a_form_sent_signed_out_lands_on_the_explanation(
    client, alice, comment
):
    sent = client.post(f"/comments/{comment.pk}/reply/", {"body": "More downside?"})
    assert sent.status_code == 302 and "next=" in sent["Location"]

    client.force_login(alice)
    response = client.get(f"/comments/{comment.pk}/reply/")

    assert response.status_code == 405
    assert b"Nothing to show here" in response.content


def test_the_api_keeps_its_json_405(api_client, alice):
    api_client.force_authenticate(alice)

    response = api_client.put("/api/v1/auth/token/")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


def test_other_refused_methods_on_pages_stay_bare(client, alice, comment):
    client.force_login(alice)

    response = client.delete(f"/comments/{comment.pk}/reply/")

    assert response.status_code == 405
    assert response.content == b""


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/tokens/"),
        ("delete", "/api/v1/tokens/TAO/"),
        ("put", "/api/v1/lists/ai/"),
        ("post", "/api/v1/episodes/"),
        ("delete", "/api/v1/comments/1/report/"),
    ],
)
def test_an_api_method_no_route_takes_is_a_405_even_signed_out(api_client, tao, method, path):
    """It was a 401 asking to sign in, after which the same request got its 405."""
    response = getattr(api_client, method)(path, {}, format="json")

    assert response.status_code == 405
    assert response.json()["detail"]
    assert "WWW-Authenticate" not in response


def test_a_method_the_route_takes_still_asks_to_sign_in(api_client, tao):
    response = api_client.post("/api/v1/tokens/TAO/comments/", {"body": "x"}, format="json")

    assert response.status_code == 401
