"""A refresh of 10,000 tokens from a provider answering each 250-id batch in 200 ms, run by
1 and then 3 real Celery worker processes on Redis (one task per batch, then the metrics)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from bench.common import Result, tokens_create
from markets.models import RefreshRun

TOKENS, DELAY, RUNS = 10_000, 0.2, 2
ROOT = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _workers(count: int, queue: str) -> list[subprocess.Popen]:
    env = {**os.environ, "DATABASE_URL": _database_url(), "BENCH_STUB_DELAY": str(DELAY),
           "PRICE_PROVIDER": "bench.stub_provider.slow_stub_provider", "LOG_LEVEL": "WARNING",
           "DJANGO_DEBUG": "false"}  # fmt: skip
    celery = str(Path(sys.executable).with_name("celery"))
    quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
    return [
        subprocess.Popen(
            [celery, "-A", "aicrash_site", "worker", "-Q", queue, "-P", "solo",
             "-n", f"bench{i}-{queue}@%h", *quiet],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]  # fmt: skip


def _refresh_time(queue: str) -> float:
    from markets.tasks import refresh_prices

    before = RefreshRun.objects.count()
    start = time.perf_counter()
    refresh_prices.apply_async(queue=queue)
    while True:
        run = RefreshRun.objects.order_by("-pk").first()
        if RefreshRun.objects.count() > before and run.status != "running":
            break
        time.sleep(0.05)
    spent = time.perf_counter() - start
    assert run.status == "ok" and run.quotes_stored == TOKENS, (run.status, run.error)
    return spent


def _timed(workers: int) -> float:
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    procs = _workers(workers, queue)
    try:
        time.sleep(8)  # let every worker connect before work arrives
        _refresh_time(queue)  # warm-up: imports, connections
        times = []
        for _ in range(RUNS):
            time.sleep(1.1)  # a new second: every quote is new
            times.append(_refresh_time(queue))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
    print(f"    {workers} worker(s) runs: {', '.join(f'{t:.2f}' for t in times)} s")
    return min(times)


def run() -> Result:
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        sys.exit("fanout needs CELERY_BROKER_URL=redis://…")
    tokens_create(TOKENS)
    batches = -(-TOKENS // settings.REFRESH_BATCH_SIZE)
    print(f"fanout: refresh of {TOKENS:,} tokens, {batches} batches of"
          f" {settings.REFRESH_BATCH_SIZE} answered in {DELAY * 1000:.0f} ms each")  # fmt: skip
    one = _timed(1)
    three = _timed(3)
    print(f"  1 worker {one:.2f} s, 3 workers {three:.2f} s, speed-up {one / three:.2f}x")
    return Result("fanout", three, one, "3 faster than 1", three < one)
