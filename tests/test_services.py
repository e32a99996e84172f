"""In CI the suite must really run on PostgreSQL and Redis, not on the embedded defaults."""

import os

import pytest
from django.conf import settings
from django.db import connection

from markets.health import health_broker

required = pytest.mark.skipif(
    not os.environ.get("AICRASH_REQUIRE_SERVICES"), reason="only where .ci/run asks for them"
)


@required
def test_the_suite_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"


@required
def test_the_broker_is_a_reachable_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert health_broker() == {"ok": True, "error": None}
