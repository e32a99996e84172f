"""GET /api/schema/: its errors are JSON in the API's one shape, like every other route."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("value", ["xml", ""])
def test_an_unknown_or_empty_schema_format_is_a_json_400_naming_it(client, value):
    response = client.get("/api/schema/", {"format": value})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["format"]
    assert response.json()["errors"]["format"][0].endswith("yaml, json.")


def test_an_accept_header_the_schema_cannot_serve_is_a_json_406(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "content_type"),
    [
        ({}, "application/vnd.oai.openapi; charset=utf-8"),
        ({"format": "yaml"}, "application/vnd.oai.openapi; charset=utf-8"),
        ({"format": "json"}, "application/vnd.oai.openapi+json"),
    ],
)
def test_the_schema_still_comes_as_yaml_or_json(client, params, content_type):
    response = client.get("/api/schema/", params)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
