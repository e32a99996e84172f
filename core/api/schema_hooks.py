"""OpenAPI postprocessing: what every operation of a kind can answer, documented once."""

from __future__ import annotations

UNSUPPORTED_MEDIA_TYPE = {
    "description": "The request body's Content-Type is not one the operation reads.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def document_unsupported_media_type(result: dict, generator, request, public) -> dict:
    """Every operation taking a body may answer 415 (DRF's parsers refuse other media types,
    or none at all)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault("415", UNSUPPORTED_MEDIA_TYPE)
    return result


REQUEST_TOO_LARGE = {
    "description": "The request body is over the size the server accepts (the message says it).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def document_request_too_large(result: dict, generator, request, public) -> dict:
    """Every operation reading a body (those documenting 415) may answer 413: Django refuses
    a body over DATA_UPLOAD_MAX_MEMORY_SIZE (core/errors.py). After the 415 hook."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            if "415" in responses:
                responses.setdefault("413", REQUEST_TOO_LARGE)
    return result


NOT_ACCEPTABLE = {
    "description": "The Accept header names no media type the operation can answer in.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def document_not_acceptable(result: dict, generator, request, public) -> dict:
    """Every operation may answer 406 (DRF's content negotiation, before the view runs)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("406", NOT_ACCEPTABLE)
    return result


SERVICE_UNAVAILABLE = {
    "description": "The database is unreachable for now: retry after Retry-After seconds.",
    "headers": {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Seconds to wait before the next request.",
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def document_service_unavailable(result: dict, generator, request, public) -> dict:
    """Every operation may answer 503 with Retry-After while the database is unreachable
    (core/errors.py, README "What survives what")."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("503", SERVICE_UNAVAILABLE)
    return result


def _one_ofs(node):
    if isinstance(node, dict):
        if "oneOf" in node:
            yield node["oneOf"]
        for value in node.values():
            yield from _one_ofs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _one_ofs(value)


def exclude_empty_from_formatted_branches(result: dict, generator, request, public) -> dict:
    """A text that may be empty is oneOf (a formatted string, or ""): drf-spectacular's shape
    for a blank URLField. Validators treat ``format`` as an annotation by default, so ""
    matched both branches and failed the oneOf; the formatted branch gets minLength 1."""
    empty = {"type": "string", "maxLength": 0}
    for branches in _one_ofs(result):
        if empty in branches:
            for branch in branches:
                if branch != empty and branch.get("type") == "string":
                    branch.setdefault("minLength", 1)
    return result


def lib_doc_excludes() -> list[type]:
    """drf-spectacular's classes whose docstrings describe nothing in the schema, and the API's
    own base classes: theirs are notes for developers (an operation or a shape without a
    docstring of its own would show its base class's in /api/docs/)."""
    from drf_spectacular.plumbing import get_lib_doc_excludes

    from core.api.errors import ApiErrorsMixin
    from core.api.serializers import StrictFieldsMixin
    from core.api.views import JsonApiView, OwnerApiView

    return [*get_lib_doc_excludes(), ApiErrorsMixin, JsonApiView, OwnerApiView, StrictFieldsMixin]
