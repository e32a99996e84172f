"""Shared set-up of the watchlists tests: market data built the way production builds it
(snapshot_ingest, then derived_refresh fills PriceHourly and TokenMetrics), API clients, and
a database refusing NUL characters as PostgreSQL does. tests/conftest.py gives every test an
empty cache (throttle counters included)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import DataError, connection
from rest_framework.test import APIClient

from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import derived_refresh
from tests.factories import TokenFactory
from watchlists import services

T = 1_770_379_200  # 2026-02-06T12:00:00Z, on the hour
HOUR = 3600
DAY = 24 * HOUR
NOW = datetime(2026, 2, 6, 12, 30, tzinfo=UTC)  # half an hour after T


def prices(token, points) -> None:
    """Store quotes [(epoch, price)] of a token and derive its hourly closes and metrics."""
    quotes = [Quote(token.id, int(ts), float(price)) for ts, price in points]
    derived_refresh(ingested=snapshot_ingest(quotes=quotes, source="test"))


def at(text: str) -> int:
    """Epoch seconds of a UTC ISO date-time such as "2026-02-06T12:00"."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


# TAO's quotes (each the close of its hour), with gaps forward-filled:
TAO_QUOTES = [
    ("2026-02-03T23:00", 90.0),
    ("2026-02-04T05:00", 100.0),
    ("2026-02-05T00:00", 120.0),
    ("2026-02-05T10:00", 150.0),
    ("2026-02-06T06:00", 110.0),
    ("2026-02-06T12:00", 99.0),  # the latest: TAO's price now
]


def lot(quantity, cost, purchased_at=None) -> dict:
    return {"quantity": quantity, "cost_basis_usd": cost, "purchased_at": purchased_at}


def _refuse_nul(execute, sql, params, many, context):
    rows = list(params or ()) if many else [params or ()]
    for row in rows:
        values = row.values() if isinstance(row, dict) else row
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise DataError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, rows if many else params, many, context)


@pytest.fixture(autouse=True)
def database_refuses_nul():
    """Whatever the database, a NUL character in a query is a DataError, as PostgreSQL makes it
    (a 500 unless the code keeps NULs away from the database): SQLite runs catch it too."""
    with connection.execute_wrapper(_refuse_nul):
        yield


@pytest.fixture
def frozen():
    """The clock stopped at 2026-02-06 12:30 UTC, just after the last quotes of the tests."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def near(db):
    return TokenFactory(symbol="NEAR", name="NEAR Protocol")


@pytest.fixture
def icp(db):
    return TokenFactory(symbol="ICP", name="Internet Computer")


@pytest.fixture
def alice_list(alice):
    return services.watchlist_create(owner=alice, name="AI bags")


@pytest.fixture
def client_for():
    """client_for(user): an API client authenticated as the user (None: anonymous)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
