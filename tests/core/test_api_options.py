"""OPTIONS on an API route: what it renders and parses, not a wrong description of its body."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/watchlists/", "/api/v1/tokens/TAO/comments/", "/api/v1/alerts/"]
)
def test_options_does_not_describe_the_answer_as_the_body_to_send(api_client, alice, tao, path):
    """Its "actions" listed the answer's fields as the POST body, every one read-only and not
    required ("body" of a comment included), against the schema, which requires "body"."""
    api_client.force_authenticate(alice)

    response = api_client.options(path)

    assert response.status_code == 200
    body = response.json()
    assert "actions" not in body
    assert body["renders"] == ["application/json"]
    assert "application/json" in body["parses"]
