"""Every /api/ route answers errors as JSON in one shape: {"detail", "errors"?}."""

from __future__ import annotations

from unittest import mock

import pytest

from core.api import auth

pytestmark = pytest.mark.django_db


def test_an_unknown_api_url_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_is_still_the_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_a_malformed_json_body_is_a_json_400(api_client):
    response = api_client.post(
        "/api/v1/auth/token/", data='{"username": ', content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert list(response.json()["errors"]) == ["body"]


def test_a_server_error_on_the_api_is_json(client, caplog):
    client.raise_request_exception = False
    with mock.patch.object(
        auth.EmailOrUsernameAuthTokenSerializer, "validate", side_effect=RuntimeError("boom")
    ):
        response = client.post("/api/v1/auth/token/", {"username": "a", "password": "b"})

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert "Internal Server Error: /api/v1/auth/token/" in caplog.text


def test_a_server_error_on_a_page_is_a_page(client):
    client.raise_request_exception = False
    with mock.patch("markets.views.render", side_effect=RuntimeError("boom")):
        response = client.get("/lists/")

    assert response.status_code == 500
    assert "Server error" in response.content.decode()
