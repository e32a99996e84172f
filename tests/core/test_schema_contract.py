"""The OpenAPI schema says what the server enforces: slug patterns, date-time formats, one
route's path parameters only, enums without an empty value the server refuses."""

from __future__ import annotations

import json

import pytest

from core.api.params import SLUG_PATTERN

pytestmark = pytest.mark.django_db


def _parameters(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                yield path, method, parameter


def test_every_slug_parameter_and_field_has_the_slug_pattern(openapi):
    slugs = [p for _, _, p in _parameters(openapi) if p["name"] in ("slug", "list")]
    assert slugs
    assert all(p["schema"]["pattern"] == SLUG_PATTERN for p in slugs)
    schemas = openapi["components"]["schemas"]
    assert schemas["AlertInputRequest"]["properties"]["list_slug"]["pattern"] == SLUG_PATTERN
    assert schemas["Alert"]["properties"]["list_slug"]["pattern"] == SLUG_PATTERN
    assert schemas["CuratedList"]["properties"]["slug"]["pattern"] == SLUG_PATTERN


def test_each_path_parameter_belongs_to_its_route(openapi):
    for path, method, parameter in _parameters(openapi):
        if parameter["in"] == "path":
            assert "{" + parameter["name"] + "}" in path, (method, path, parameter["name"])


def test_snapshot_bounds_are_dates_or_date_times(openapi):
    operation = openapi["paths"]["/api/v1/tokens/{symbol}/snapshots/"]["get"]
    bounds = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    for name in ("since", "until"):
        formats = {option["format"] for option in bounds[name]["anyOf"]}
        assert formats == {"date", "date-time"}


def test_every_time_field_is_a_date_time(openapi):
    for name, schema in openapi["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            if field.endswith("_at") and "allOf" not in spec and spec.get("format") != "date":
                assert spec.get("format") == "date-time", (name, field)


def _values_of(node, key: str):
    """Every value of ``key`` anywhere in a schema tree."""
    if isinstance(node, dict):
        if key in node:
            yield node[key]
        for value in node.values():
            yield from _values_of(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _values_of(value, key)


def _enums(node):
    return _values_of(node, "enum")


def test_an_empty_value_is_in_an_enum_only_where_the_server_accepts_it(openapi):
    """The comment stance may be empty (no stance); no other enum offers ""."""
    schemas = openapi["components"]["schemas"]
    blank_users = {name for name, schema in schemas.items() if "BlankEnum" in json.dumps(schema)}
    assert blank_users <= {"CommentCreateRequest", "PatchedCommentUpdateRequest", "BlankEnum"}
    others = {name: schema for name, schema in schemas.items() if name != "BlankEnum"}
    assert not [enum for enum in _enums([others, openapi["paths"]]) if "" in enum]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/tokens/", "ordering"),
        ("/api/v1/tokens/", "list"),
        ("/api/v1/tokens/", "format"),
        ("/api/v1/tokens/TAO/snapshots/", "interval"),
        ("/api/v1/tokens/TAO/snapshots/", "since"),
        ("/api/v1/tokens/TAO/snapshots/", "format"),
        ("/api/v1/tokens/TAO/comments/", "order"),
        ("/api/v1/tokens/", "page"),
        ("/api/v1/tokens/", "page_size"),
    ],
)
def test_an_empty_enum_or_typed_parameter_is_a_400_naming_it(api_client, tao, path, name):
    response = api_client.get(path, {name: ""})

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [name]


def test_an_empty_series_flag_is_a_400_naming_it(api_client, alice):
    from watchlists.models import Watchlist

    watchlist = Watchlist.objects.create(owner=alice, name="Mine")
    api_client.force_authenticate(alice)

    response = api_client.get(f"/api/v1/watchlists/{watchlist.pk}/", {"series": ""})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["series"]


def test_parameters_left_out_still_take_their_defaults(api_client, tao):
    assert api_client.get("/api/v1/tokens/").status_code == 200
    assert api_client.get("/api/v1/tokens/TAO/snapshots/").status_code == 200
    assert api_client.get("/api/v1/tokens/TAO/comments/").status_code == 200


def _nullable_request_fields(openapi) -> set[tuple[str, str]]:
    return {
        (name, field)
        for name, schema in openapi["components"]["schemas"].items()
        if name.endswith("Request")
        for field, spec in schema.get("properties", {}).items()
        if spec.get("nullable")
    }


def test_a_request_field_is_nullable_only_where_the_server_takes_null(
    openapi, api_client, alice, tao
):
    """Each nullable body field, sent as null, is not among the fields a 400 names."""
    from watchlists.models import Watchlist

    assert _nullable_request_fields(openapi) == {
        ("AlertInputRequest", "expires_at"),
        ("PatchedAlertInputRequest", "expires_at"),
        ("CommentCreateRequest", "parent"),
        ("LotInputRequest", "purchased_at"),
    }
    api_client.force_authenticate(alice)
    watchlist = Watchlist.objects.create(owner=alice, name="Mine")
    writes = [
        ("/api/v1/alerts/", {"condition": "less_than", "value": 1, "symbol": "TAO",
                             "expires_at": None}),
        ("/api/v1/tokens/TAO/comments/", {"body": "Hello", "parent": None}),
        (f"/api/v1/watchlists/{watchlist.pk}/items/",
         {"symbol": "TAO", "lots": [{"quantity": "1", "cost_basis_usd": "1",
                                     "purchased_at": None}]}),
    ]  # fmt: skip
    for path, body in writes:
        response = api_client.post(path, body, format="json")
        assert response.status_code == 201, (path, response.json())


def test_every_request_body_schema_says_an_unknown_field_is_refused(openapi):
    """Every write refuses a field it does not know (tests/core/test_strict_writes.py); the
    schema says so with additionalProperties: false, so clients and fuzzers do not take
    extra fields for valid."""
    schemas = openapi["components"]["schemas"]
    referenced = set()
    for item in openapi["paths"].values():
        for operation in item.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                referenced.add(content["schema"]["$ref"].rsplit("/", 1)[1])
    referenced.add("LotInputRequest")  # nested in the item writes

    assert len(referenced) >= 14
    lenient = [
        name
        for name in sorted(referenced)
        if schemas[name].get("additionalProperties") is not False
    ]
    assert lenient == []


def test_every_response_schema_requires_every_field_since_every_answer_has_it(openapi):
    """The API always answers every field (null where nothing applies); a field left out of
    required (a blank-able model field, a page's next and previous) told clients they might
    go without it."""
    optional = {
        name: sorted(set(schema["properties"]) - set(schema.get("required", [])))
        for name, schema in openapi["components"]["schemas"].items()
        if not name.endswith("Request") and "properties" in schema
    }

    assert {name: fields for name, fields in optional.items() if fields} == {}
    # Required, and still what an empty optional link is: "" (not a URI).
    schemas = openapi["components"]["schemas"]
    for name, field in (("Event", "url"), ("MarketFact", "source_url")):
        assert {"type": "string", "maxLength": 0} in schemas[name]["properties"][field]["oneOf"]


def test_every_page_parameter_documents_last_which_the_server_accepts(openapi, api_client):
    """?page=last answers the last page: a client reading the schema must be told it may send
    it, not that page is only an integer."""
    pages = [(path, p) for path, _, p in _parameters(openapi) if p["name"] == "page"]
    assert len(pages) >= 10
    for path, parameter in pages:
        variants = parameter["schema"].get("oneOf", [])
        assert {"type": "integer", "minimum": 1} in variants, path
        assert {"type": "string", "enum": ["last"]} in variants, path
        assert "last" in parameter["description"], path

    assert api_client.get("/api/v1/lists/", {"page": "last"}).status_code == 200


def _one_ofs(node):
    return _values_of(node, "oneOf")


def test_an_empty_link_matches_one_branch_of_its_one_of_even_for_a_validator_ignoring_format(
    openapi,
):
    """A URL field that may be empty is oneOf (a uri, or ""). JSON Schema validators treat
    format as an annotation by default: without minLength on the uri branch, "" matched both
    branches, so oneOf failed and every event without a link was invalid to such a client."""
    import jsonschema

    checked = 0
    for branches in _one_ofs(openapi):
        if {"type": "string", "maxLength": 0} not in branches:
            continue
        matching = [b for b in branches if jsonschema.Draft7Validator(b).is_valid("")]
        assert len(matching) == 1, branches
        checked += 1
    assert checked >= 3  # Event.url, MarketFact.source_url, Notification.url


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ("CommentCreateRequest", "body"),
        ("PatchedCommentUpdateRequest", "body"),
        ("WatchlistCreateRequest", "name"),
        ("PatchedWatchlistUpdateRequest", "name"),
    ],
)
def test_a_text_the_server_refuses_blank_is_documented_as_needing_a_visible_character(
    openapi, schema, field
):
    """ "" or spaces are a 400 ("Write something first.", "Enter a name."); the schema said
    any string, so a client validating against it sent them and met the 400."""
    import jsonschema

    text = openapi["components"]["schemas"][schema]["properties"][field]

    assert text["minLength"] == 1 and text["description"]
    validator = jsonschema.Draft7Validator(text)
    assert not validator.is_valid("") and not validator.is_valid("  \n")
    assert validator.is_valid(" a ")


def test_no_operation_or_shape_is_described_by_a_base_class_docstring_written_for_developers(
    openapi,
):
    """An operation or a shape without a description of its own inherited its class's nearest
    docstring: the discussions endpoints showed ApiErrorsMixin's in the docs, the alerts,
    notifications and watchlists ones OwnerApiView's, the list metrics PlannedReadMixin's."""
    from core.api.errors import ApiErrorsMixin
    from core.api.views import OwnerApiView
    from markets.api.serializers import PlannedReadMixin

    internal = {
        cls.__doc__.split("\n")[0] for cls in (ApiErrorsMixin, OwnerApiView, PlannedReadMixin)
    }
    described = [
        (method, path)
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict)
        and operation.get("description", "").split("\n")[0] in internal
    ]
    described += [
        name
        for name, schema in openapi["components"]["schemas"].items()
        if schema.get("description", "").split("\n")[0] in internal
    ]
    assert described == []


def test_every_operation_documents_the_400_a_bad_format_gets(openapi, api_client):
    """?format=xml (or an empty ?format=) is a 400 naming format on every route; the episode
    detail did not list 400 among its answers."""
    undocumented = [
        (method, path)
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "400" not in operation["responses"]
    ]
    assert undocumented == []
    assert api_client.get("/api/v1/episodes/any/", {"format": "xml"}).status_code == 400
