"""Throughput of pages and the API under gunicorn (2 workers), 16 connections for 20 s each,
as a ratio to a trivial Django view measured the same way in the same run.

Then the same with the page cache off (PAGE_CACHE_SECONDS=0, a second server), adding the
signed-in watchlist page that is never cached: what most signed-in traffic costs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime

from bench.common import Result
from markets.services.demo import demo_seed

PORT = 8799
DURATION, CONNECTIONS = 20, 16
URLS = {"/": 0.3, "/tokens/TAO/": 0.3, "/api/v1/tokens/": 0.5}
P99_LIMIT_MS = 250.0


def _wrk(path: str, headers: tuple[str, ...] = ()) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) for one URL."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency",
         *[arg for header in headers for arg in ("-H", header)],
         f"http://127.0.0.1:{PORT}{path}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in out:
        raise SystemExit(f"{path} answered errors under load:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    return rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _serve(**extra_env: str) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.http_settings", **extra_env)
    server = subprocess.Popen(
        [f"{sys.prefix}/bin/gunicorn", "aicrash_site.wsgi", "-w", "2", "-b",
         f"127.0.0.1:{PORT}", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/trivial", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def run() -> Result:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the HTTP benchmark: apt-get install wrk")
    demo_seed(end=datetime.now(UTC))
    server = _serve()
    try:
        for path in ("/bench/trivial", *URLS):  # warm both workers
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10).read()
        base_rps, base_p99 = _wrk("/bench/trivial")
        print(f"http: gunicorn -w 2, {CONNECTIONS} connections, {DURATION} s per URL")
        print(f"  trivial view   {base_rps:8.0f} req/s  p99 {base_p99:6.1f} ms")
        worst, passed = None, True
        for path, target in URLS.items():
            rps, p99 = _wrk(path)
            ok = rps / base_rps >= target and p99 <= P99_LIMIT_MS
            passed &= ok
            verdict = "PASS" if ok else "FAIL"
            print(f"  {path:14} {rps:8.0f} req/s  p99 {p99:6.1f} ms  ratio {rps / base_rps:.2f}"
                  f" (target >= {target}, p99 <= {P99_LIMIT_MS:g} ms) {verdict}")  # fmt: skip
            if worst is None or rps / base_rps < worst[0] / base_rps:
                worst = (rps, path)
    finally:
        server.terminate()
        server.wait(10)
    _uncached()
    # As times per request, so that the table's ratio reads like the others (lower is better).
    return Result(f"http {worst[1]}", 1 / worst[0], 1 / base_rps, "see above", passed)


def _uncached() -> None:
    """The pages with the page cache off, and the signed-in watchlist page, next to the
    trivial view of the same server (figures only: the targets are the cached ones above)."""
    from django.test import Client

    from bench.server_time import signed_in_watchlist

    user, watchlist = signed_in_watchlist()
    client = Client()
    client.force_login(user)
    cookie = f"Cookie: sessionid={client.cookies['sessionid'].value}"
    urls = {**dict.fromkeys(URLS, ()), f"/watchlists/{watchlist.pk}/": (cookie,)}
    server = _serve(PAGE_CACHE_SECONDS="0")
    try:
        for path, headers in urls.items():  # warm both workers
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}{path}", headers=dict([h.split(": ") for h in headers])
            )
            urllib.request.urlopen(request, timeout=10).read()
        base_rps, base_p99 = _wrk("/bench/trivial")
        print(f"http, page cache off (PAGE_CACHE_SECONDS=0), {CONNECTIONS} connections")
        print(f"  trivial view   {base_rps:8.0f} req/s  p99 {base_p99:6.1f} ms")
        for path, headers in urls.items():
            rps, p99 = _wrk(path, headers)
            print(f"  {path:14} {rps:8.0f} req/s  p99 {p99:6.1f} ms  ratio {rps / base_rps:.2f}"
                  f"  ({1000 / rps * 2:.1f} ms per request and worker)")  # fmt: skip
    finally:
        server.terminate()
        server.wait(10)
        user.delete()
