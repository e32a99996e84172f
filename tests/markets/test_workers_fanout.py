"""Three real Celery worker processes on Redis share one refresh: one task per batch, then
the metrics once every batch is stored; a failing batch is retried alone."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from markets.models import JobLock, RefreshRun, Snapshot, TokenMetrics
from markets.tasks import refresh_prices
from tests.factories import TokenFactory

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not django_settings.CELERY_BROKER_URL.startswith("redis://")
        or connection.vendor != "postgresql",
        reason="needs Redis (CELERY_BROKER_URL) and PostgreSQL (DATABASE_URL)",
    ),
]
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def workers_start(count: int, queue: str, env: dict) -> list[subprocess.Popen]:
    celery = str(Path(sys.executable).with_name("celery"))
    quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
    return [
        subprocess.Popen(
            [
                celery,
                "-A",
                "aicrash_site",
                "worker",
                "-Q",
                queue,
                "-P",
                "solo",
                "-n",
                f"fanout{i}-{queue}@%h",
                *quiet,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(count)
    ]


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_three_workers_share_the_batches_then_one_computes_the_metrics(tmp_path):
    tokens = [TokenFactory(symbol=f"W{i}") for i in range(9)]
    queue = f"fanout-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "REFRESH_BATCH_SIZE": "3",
           "PRICE_PROVIDER": "tests.markets.stubs.fanout_stub_provider",
           "STUB_DIR": str(tmp_path), "STUB_DELAY": "1.0", "FLAKY_SYMBOL": "W4",
           "REFRESH_BATCH_RETRY_SECONDS": "0.5", "LOG_LEVEL": "WARNING"}  # fmt: skip
    workers = workers_start(3, queue, env)
    try:
        time.sleep(3)  # let them connect before work arrives, so all three can take some
        refresh_prices.apply_async(queue=queue)
        finished = wait_for(
            lambda: RefreshRun.objects.exclude(status="running").exists(), timeout=90
        )
    finally:
        for worker in workers:
            worker.terminate()
        errors = [worker.communicate(timeout=30)[1].decode()[-2000:] for worker in workers]
    assert finished, errors
    run = RefreshRun.objects.get()
    assert (run.status, run.quotes_stored, run.error) == ("ok", 9, ""), errors
    assert Snapshot.objects.count() == 9 and TokenMetrics.objects.count() == 9 == len(tokens)
    calls = [line.split(" ", 1) for line in (tmp_path / "calls.log").read_text().splitlines()]
    batches = sorted(symbols for _, symbols in calls)
    # Three batches, the one holding W4 fetched twice (its first try failed), no other twice.
    assert batches == ["W0 W1 W2", "W3 W4 W5", "W3 W4 W5", "W6 W7 W8"]
    assert len({pid for pid, _ in calls}) >= 2  # spread over several worker processes
    assert not JobLock.objects.exists()  # the lease is released by the metrics step
