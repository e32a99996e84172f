"""Server time of the uncached pages, in process (Django's test client, no network, no
gunicorn): median of 50 requests each after 5 warm-ups, with the page cache off, next to a
trivial view timed the same way. Targets at the demo's size: pages < 10 ms, API list < 3 ms.
The pages' market-wide fragments are cached (core/cache.py ``fragment_cached``) as they are
in production; their cost when missing is printed after the table.

``python -m bench server_time`` prints the table; ``BENCH_PROFILE=/api/v1/tokens/`` also
prints the top of a cProfile of that path.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from bench.common import Result, in_process_site
from markets.models import Token
from markets.services.demo import demo_seed
from watchlists import services

RUNS, WARM = 50, 5
TARGETS_MS = {"/": 10.0, "/tokens/TAO/": 10.0, "watchlist": 10.0, "/api/v1/tokens/": 3.0}


def signed_in_watchlist(username: str = "bench-reader") -> tuple:
    """A user whose watchlist holds 10 demo tokens, each with a lot; (user, watchlist)."""
    get_user_model().objects.filter(username=username).delete()
    user = get_user_model().objects.create_user(username=username, email=f"{username}@x.test")
    watchlist = services.watchlist_create(owner=user, name="Portfolio")
    for symbol in Token.objects.order_by("symbol").values_list("symbol", flat=True)[:10]:
        services.watchlist_add_token(
            watchlist=watchlist, symbol=symbol, lots=[{"quantity": "3", "cost_basis_usd": "10"}]
        )
    return user, watchlist


def _times_ms(client: Client, path: str) -> tuple[float, float]:
    """(median, fastest) of RUNS requests: the fastest shows the cost when the shared machine
    lets the process run undisturbed."""
    for _ in range(WARM):
        assert client.get(path).status_code == 200, path
    spent = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(path)
        spent.append(time.perf_counter() - start)
    return statistics.median(spent) * 1000, min(spent) * 1000


def _profile(client: Client, path: str) -> None:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(RUNS):
        client.get(path)
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


def run() -> Result:
    with in_process_site():
        return _run()


def _run() -> Result:
    demo_seed(end=datetime.now(UTC))
    user, watchlist = signed_in_watchlist()
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(user)
    pages = {
        "/": (anonymous, "/"),
        "/tokens/TAO/": (anonymous, "/tokens/TAO/"),
        "watchlist": (signed_in, f"/watchlists/{watchlist.pk}/"),
        "/api/v1/tokens/": (anonymous, "/api/v1/tokens/"),
    }
    base, base_min = _times_ms(anonymous, "/bench/trivial")
    print(f"server time in process, page cache off, median (fastest) of {RUNS}")
    print(f"  trivial view       {base:6.2f} ms ({base_min:5.2f})")
    passed, worst = True, 0.0
    for name, (client, path) in pages.items():
        spent, fastest = _times_ms(client, path)
        assert client.get(path).status_code == 200, path
        ok = spent <= TARGETS_MS[name]
        passed &= ok
        worst = max(worst, spent / TARGETS_MS[name])
        print(f"  {path:18} {spent:6.2f} ms ({fastest:5.2f})  target < {TARGETS_MS[name]:g} ms"
              f" {'PASS' if ok else 'FAIL'}")  # fmt: skip
    # What a render costs when the cached fragments are missing (after each data version
    # bump: every refresh), not counted against the target.
    with override_settings(FRAGMENT_CACHE_SECONDS=0):
        for name in ("/", "watchlist"):
            client, path = pages[name]
            spent, fastest = _times_ms(client, path)
            print(f"  {path:18} {spent:6.2f} ms ({fastest:5.2f})  without cached fragments")
    if profiled := os.environ.get("BENCH_PROFILE"):
        client = signed_in if profiled.startswith("/watchlists/") else anonymous
        _profile(client, profiled.replace("<id>", str(watchlist.pk)))
    get_user_model().objects.filter(pk=user.pk).delete()
    return Result("server time (worst / target)", worst, 1.0, "pages < 10 ms, API < 3", passed)
