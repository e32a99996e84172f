"""schemathesis over EVERY operation of the API, writes included, as a real user with a token.

Path parameters mostly point at objects that exist (the user's own watchlist holding TAO, alert
and notification, a comment on TAO, a poll, the list "ai") so that writes reach the services
rather than stopping at a 404; whatever an example deleted is made again for the next one.
Zero server errors and zero schema violations (responses checked against the schema).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
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
from markets.models import Token as MarketToken
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


def _own_objects(user) -> dict[str, int]:
    """Ids of real objects by the path's first segment, made again if an example deleted them."""
    from alerts.models import AlertRule
    from discussions.models import Comment, Poll, PollOption
    from notifications.models import Notification
    from notifications.services import notification_create

    tao = MarketToken.objects.get(symbol="TAO")
    alert = AlertRule.objects.filter(owner=user).first() or AlertRule.objects.create(
        owner=user, condition="less_than", value=100.0, token=tao, created_at=timezone.now()
    )
    notification = Notification.objects.filter(user=user).first() or notification_create(
        user=user, kind="alert", title="TAO below 100"
    )
    comment = Comment.objects.filter(author=user, parent=None).first()
    if comment is None:
        comment = Comment.objects.create(
            author=user, token=tao, body="Fuzz", body_html="<p>Fuzz</p>", created_at=timezone.now()
        )
    poll = Poll.objects.first()
    if poll is None:
        poll = Poll.objects.create(question_en="Bottom?", question_fr="Creux ?", token=tao)
        for position, label in enumerate(("Yes", "No")):
            PollOption.objects.create(poll=poll, label_en=label, label_fr=label, position=position)
    return {
        "watchlists": _own_watchlist(user).pk,
        "alerts": alert.pk,
        "notifications": notification.pk,
        "comments": comment.pk,
        "polls": poll.pk,
    }


def _app(environ, start_response):
    # A real server always gives the client's address (allauth's rate limits key on it).
    environ.setdefault("REMOTE_ADDR", "127.0.0.1")
    return application(environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", _app)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_operation_conforms_to_the_schema_and_never_fails(case, world, alice):
    params = case.path_parameters or {}
    mostly = hash(repr(case.body)) % 4  # 3 times in 4 a real object, else what was generated
    if "id" in params and mostly:
        params["id"] = _own_objects(alice)[case.path.split("/")[3]]
    if "symbol" in params and mostly:
        params["symbol"] = "TAO"
    if "slug" in params and mostly:
        params["slug"] = "ai"

    case.call_and_validate(headers={"Authorization": f"Token {world}"}, checks=CHECKS)


def test_stateful_sequences_of_calls_conform_and_never_fail(world, alice):
    """schemathesis links operations by itself (a created watchlist's id into its items, an
    alert's id into PATCH and DELETE …) and runs short sequences of calls as alice.

    Each sequence runs in a savepoint rolled back at its end: Hypothesis replays a sequence's
    choices and expects the same responses (bundles, preconditions), which a database still
    holding the previous sequences' alerts, votes and comments would not give."""
    _own_objects(alice)

    class Workflow(schema.as_state_machine()):
        def setup(self):
            self._savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self._savepoint)

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {world}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Workflow.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=5,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )
