"""The OpenAPI schema, the Swagger UI, and a schemathesis run of every GET operation."""

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aicrash_site.wsgi import application
from markets.selectors import LIST_METRIC_FIELDS, TOKEN_METRIC_FIELDS
from markets.services.metrics import metrics_recompute
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory
from tests.markets.api.conftest import HOUR, T, store

READ_PATHS = [
    "/api/v1/tokens/",
    "/api/v1/tokens/{symbol}/",
    "/api/v1/tokens/{symbol}/snapshots/",
    "/api/v1/lists/",
    "/api/v1/lists/{slug}/",
    "/api/v1/fear-greed/",
]
OWNER_PATHS = [
    "/api/v1/watchlists/",
    "/api/v1/watchlists/{id}/",
    "/api/v1/watchlists/{id}/items/",
    "/api/v1/watchlists/{id}/items/{symbol}/",
    "/api/v1/alerts/",
    "/api/v1/alerts/{id}/",
    "/api/v1/alerts/{id}/firings/",
    "/api/v1/notifications/",
    "/api/v1/notifications/read-all/",
    "/api/v1/notifications/{id}/read/",
]

# --- discussions (issue 7) ---
DISCUSSION_PATHS = [
    "/api/v1/tokens/{symbol}/comments/",
    "/api/v1/lists/{slug}/comments/",
    "/api/v1/comments/{id}/",
    "/api/v1/comments/{id}/report/",
    "/api/v1/comments/{id}/hide/",
    "/api/v1/comments/{id}/restore/",
    "/api/v1/tokens/{symbol}/sentiment/",
    "/api/v1/polls/",
    "/api/v1/polls/{id}/",
    "/api/v1/polls/{id}/vote/",
]

# --- episodes (issue 11) ---
EPISODE_PATHS = ["/api/v1/episodes/", "/api/v1/episodes/{slug}/", "/api/v1/events/"]


def test_the_schema_is_openapi_3_with_every_api_path(openapi):
    assert openapi["openapi"].startswith("3.")
    assert set(openapi["paths"]) == {
        *READ_PATHS,
        *OWNER_PATHS,
        *DISCUSSION_PATHS,
        *EPISODE_PATHS,
        "/api/v1/auth/token/",
    }
    assert set(openapi["paths"]["/api/v1/auth/token/"]) == {"post"}


def test_every_read_operation_documents_its_errors_and_the_retry_after_header(openapi):
    for path in [*READ_PATHS, *EPISODE_PATHS]:
        responses = openapi["paths"][path]["get"]["responses"]
        assert {"200", "404", "429"} <= set(responses), path
        assert "Retry-After" in responses["429"]["headers"], path
    snapshots = openapi["paths"]["/api/v1/tokens/{symbol}/snapshots/"]["get"]
    assert {"since", "until", "interval", "format", "cursor", "page_size"} <= {
        p["name"] for p in snapshots["parameters"]
    }
    assert "text/csv" in snapshots["responses"]["200"]["content"]


def test_the_schema_names_metrics_exactly_as_the_design(openapi):
    components = openapi["components"]["schemas"]
    assert list(components["TokenMetrics"]["properties"]) == TOKEN_METRIC_FIELDS
    assert list(components["ListMetrics"]["properties"]) == LIST_METRIC_FIELDS


def test_the_schema_generates_without_any_warning(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_the_swagger_ui_renders_from_local_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # The set-up script is a file of its own (no inline script under the CSP).
    assert "<script>" not in html
    assert "/api/schema/" in client.get("/api/docs/?script=").content.decode()
    scripts = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert scripts, html
    assert not [url for url in scripts if url.startswith(("http:", "https:", "//"))]
    bundle = next(url for url in scripts if url.endswith("swagger-ui-bundle.js"))
    assert finders.find(bundle.removeprefix("/static/"))


# --- schemathesis: every GET operation against the WSGI app, on seeded data ---------------------


@pytest.fixture
def keep_db_connection():
    """Calling the WSGI app directly sends request_finished, whose handler would close the
    connection holding the test's transaction (PostgreSQL); Django's test client avoids that
    the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_market(db, keep_db_connection, monkeypatch):
    """TAO and BTC with two days of hourly snapshots, list "ai"; no throttling in the way."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
    tao = TokenFactory(symbol="TAO", name="Bittensor")
    btc = TokenFactory(symbol="BTC", name="Bitcoin", is_benchmark=True)
    for token, price in ((tao, 200.0), (btc, 70_000.0)):
        store(token, [(T - n * HOUR, price * (1 - n / 200), 1e9, 1e8) for n in range(48)])
    MembershipFactory(token_list=TokenListFactory(slug="ai"), token=tao)
    metrics_recompute()


# Loaded through the WSGI app at collection time (the schema view needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).include(
    method="GET"
)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_get_operation_conforms_to_the_schema_and_never_fails(case, seeded_market):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ]
    )


def test_the_swagger_ui_page_declares_its_language(client):
    """Swagger UI and the schema's texts are English, on a French page too: screen readers
    and translators need <html lang>, which drf-spectacular's page leaves out."""
    for language in ("en", "fr"):
        html = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

        assert '<html lang="en">' in html
        assert "<title>" in html and "swagger-ui-bundle.js" in html
