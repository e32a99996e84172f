"""A real Celery worker, on the configured broker (Redis in CI), runs refresh_prices."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings

from aicrash_site.celery import app
from markets.models import RefreshRun, Snapshot
from markets.tasks import refresh_prices


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_refresh_prices_and_stores_snapshots(settings, tao, btc):
    settings.PRICE_PROVIDER = "tests.markets.stubs.stub_provider"
    queue = f"test-{uuid.uuid4().hex[:8]}"  # a dev worker on the same broker cannot steal it
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue],
                      shutdown_timeout=30):  # fmt: skip
        refresh_prices.apply_async(queue=queue)
        assert wait_for(lambda: RefreshRun.objects.filter(status="ok").exists())
    assert set(Snapshot.objects.values_list("token__symbol", "source", "price_usd")) == {
        ("TAO", "stub", 42.0),
        ("BTC", "stub", 42.0),
    }
    assert app.conf.broker_url == django_settings.CELERY_BROKER_URL
