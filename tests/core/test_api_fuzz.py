"""schemathesis over EVERY operation of the API, writes included, as a real user with a token.

Path parameters point at the user's own watchlist (and TAO, which it holds) so that writes
reach the services rather than stopping at a 404; each example starts from that state again.
Zero server errors and zero schema violations.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aicrash_site.wsgi import application
from markets.services.metrics import metrics_recompute
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory
from tests.markets.api.conftest import HOUR, T, store

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_db_connection():
    """The WSGI app's request_finished would close the connection holding the test's
    transaction (see tests/markets/api/test_schema.py)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, keep_db_connection, monkeypatch, alice):
    """Market data, and alice with an API token."""
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "auth_token": None}
    )
    tao = TokenFactory(symbol="TAO", name="Bittensor")
    btc = TokenFactory(symbol="BTC", name="Bitcoin", is_benchmark=True)
    for token, price in ((tao, 200.0), (btc, 70_000.0)):
        store(token, [(T - n * HOUR, price * (1 - n / 200), 1e9, 1e8) for n in range(48)])
    MembershipFactory(token_list=TokenListFactory(slug="ai"), token=tao)
    metrics_recompute()
    return Token.objects.create(user=alice).key


def _own_watchlist(user):
    from watchlists import services
    from watchlists.models import Watchlist

    watchlist = Watchlist.objects.filter(owner=user, name="Fuzz").first()
    if watchlist is None:
        watchlist = services.watchlist_create(owner=user, name="Fuzz")
    if not watchlist.items.filter(token__symbol="TAO").exists():
        item = services.watchlist_add_token(watchlist=watchlist, symbol="TAO")
        services.lot_add(item=item, quantity=Decimal("2"), cost_basis_usd=Decimal("150"))
    return watchlist


def _app(environ, start_response):
    # A real server always gives the client's address (allauth's rate limits key on it).
    environ.setdefault("REMOTE_ADDR", "127.0.0.1")
    return application(environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", _app)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_operation_conforms_to_the_schema_and_never_fails(case, world, alice):
    watchlist = _own_watchlist(alice)
    params = case.path_parameters or {}
    if "id" in params and hash(repr(case.body)) % 4:  # mostly the user's own list
        params["id"] = watchlist.pk
    if "symbol" in params and hash(repr(case.query)) % 4:
        params["symbol"] = "TAO"

    case.call_and_validate(headers={"Authorization": f"Token {world}"}, checks=CHECKS)
