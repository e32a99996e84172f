"""The schema documents the 415 that any operation taking a body can answer."""

import pytest


def test_every_operation_taking_a_body_documents_415(openapi):
    with_body = [
        (path, method)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "requestBody" in operation
    ]

    assert with_body
    for path, method in with_body:
        response = openapi["paths"][path][method]["responses"]["415"]
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }, (path, method)


@pytest.mark.django_db
def test_a_body_of_another_media_type_gets_the_documented_415(api_client):
    response = api_client.generic(
        "POST", "/api/v1/auth/token/", "username=a", content_type="text/plain"
    )

    assert response.status_code == 415
    assert set(response.json()) >= {"detail"}
