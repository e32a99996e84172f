"""The schema documents the 415 and 406 that operations can answer, and they do."""

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


def test_every_operation_documents_406(openapi):
    operations = [
        (path, method, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]

    assert operations
    for path, method, operation in operations:
        assert operation["responses"]["406"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }, (path, method)


@pytest.mark.django_db
def test_an_accept_header_no_renderer_serves_gets_the_documented_406(api_client):
    response = api_client.get("/api/v1/tokens/", HTTP_ACCEPT="application/xml")

    assert response.status_code == 406
    assert set(response.json()) >= {"detail"}


def test_every_operation_reading_a_body_documents_413(openapi):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a JSON 413 (core/errors.py) wherever a body
    is read: where the operation documents 415."""
    reading = [
        (path, method, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "415" in operation.get("responses", {})
    ]

    assert len(reading) >= 16
    for path, method, operation in reading:
        response = operation["responses"]["413"]
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }, (path, method)


def test_every_operation_documents_the_503_it_answers_while_the_database_is_unreachable(openapi):
    """README "What survives what": with the database down every API route answers a JSON
    503 with Retry-After (core/errors.py), which clients should retry, not treat as a bug."""
    operations = [
        (path, method, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]

    assert operations
    for path, method, operation in operations:
        response = operation["responses"].get("503")
        assert response is not None, (path, method)
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }, (path, method)
        assert response["headers"]["Retry-After"]["schema"] == {"type": "integer"}, (path, method)
