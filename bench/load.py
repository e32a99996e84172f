"""A mixed load under gunicorn (2 workers): 32 connections for 60 s, five kinds at once.

Each kind is one wrk process with its own connections, so each reports its own latency:
anonymous pages (cached), cache-busting anonymous URLs (every request a miss), signed-in
watchlist pages (never cached), API reads with a token, and watchlist writes (a new item per
request, POST /api/v1/watchlists/<id>/items/ with the writer's token). Afterwards the items
are counted: every 201 must be a row (0 lost writes) and no other request may fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token as ApiToken

from bench.common import Result
from bench.http import PORT, _serve
from markets.models import Token
from markets.services.demo import demo_seed
from watchlists import services
from watchlists.models import Watchlist, WatchlistItem
from watchlists.validation import MAX_WATCHLISTS_PER_USER

DURATION = int(os.environ.get("LOAD_SECONDS", "60"))  # shorter only to try the script
WRITERS = 12  # users x 50 watchlists x the demo's tokens: more items than 60 s can create
PREFIX = "load-"

# Counts the expected status (200; 201 for writes) and any other per thread (a redirect to
# the login page is an error); prints one parsable line at the end.
LUA_COMMON = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; bad = 0; n = 0 end
function response(status, headers, body)
  if status == expected then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("LOAD ok=%d bad=%d socket=%d p50=%d p99=%d\\n", o, b,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""
LUA_PATHS = """
expected = 200
paths = %(paths)s
headers = %(headers)s
bust = %(bust)s
request = function()
  n = n + 1
  local path = paths[(n %% #paths) + 1]
  if bust then path = path .. "?cb=" .. n end
  return wrk.format("GET", path, headers)
end
"""
LUA_WRITES = """
expected = 201
writes = %(writes)s
request = function()
  n = n + 1
  local w = writes[n]
  return wrk.format("POST", w[1], {["Authorization"] = w[2],
    ["Content-Type"] = "application/json"}, w[3])
end
"""


@dataclass(frozen=True)
class Kind:
    name: str
    connections: int
    script: str


def _lua(value) -> str:
    """A Lua literal for strings, lists and dicts of strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    return "{" + ", ".join(_lua(v) for v in value) + "}"


def _user(name: str):
    user = get_user_model().objects.create_user(username=name, email=f"{name}@example.com")
    return user, ApiToken.objects.create(user=user).key


def _prepare() -> tuple[list[Kind], list, list[tuple[str, str]]]:
    get_user_model().objects.filter(username__startswith=PREFIX).delete()
    symbols = list(Token.objects.order_by("symbol").values_list("symbol", flat=True))
    reader, reader_key = _user(f"{PREFIX}reader")
    watchlist = services.watchlist_create(owner=reader, name="Portfolio")
    for symbol in symbols[:10]:
        services.watchlist_add_token(
            watchlist=watchlist, symbol=symbol, lots=[{"quantity": "3", "cost_basis_usd": "10"}]
        )
    client = Client()
    client.force_login(reader)
    session = client.cookies["sessionid"].value

    writers, writes = [], []
    for n in range(WRITERS):
        user, key = _user(f"{PREFIX}writer{n}")
        writers.append(user)
        lists = [
            services.watchlist_create(owner=user, name=f"L{i}")
            for i in range(MAX_WATCHLISTS_PER_USER)
        ]
        writes.append([(f"/api/v1/watchlists/{w.pk}/items/", f"Token {key}") for w in lists])
    # Symbol-major across every writer's lists: concurrent writes land on different lists.
    sequence = [
        (path, auth, json.dumps({"symbol": symbol}))
        for symbol in symbols
        for lists in zip(*writes, strict=True)
        for path, auth in lists
    ]
    print(f"load: {len(sequence)} distinct writes prepared")
    anonymous = ["/", "/tokens/TAO/", "/lists/ai/", f"/tokens/{symbols[-1]}/", "/api/v1/tokens/"]
    pages = {"paths": anonymous, "headers": {}, "bust": False}
    kinds = [
        Kind("anonymous pages", 8, LUA_PATHS % {k: _lua(v) for k, v in pages.items()}),
        Kind(
            "cache-busting",
            6,
            LUA_PATHS % {"paths": _lua(["/", "/tokens/TAO/"]), "headers": "{}", "bust": "true"},
        ),
        Kind(
            "signed-in watchlist",
            6,
            LUA_PATHS
            % {
                "paths": _lua([f"/watchlists/{watchlist.pk}/"]),
                "headers": _lua({"Cookie": f"sessionid={session}"}),
                "bust": "false",
            },
        ),
        Kind(
            "API reads",
            6,
            LUA_PATHS
            % {
                "paths": _lua(["/api/v1/tokens/", "/api/v1/tokens/TAO/", "/api/v1/lists/ai/"]),
                "headers": _lua({"Authorization": f"Token {reader_key}"}),
                "bust": "false",
            },
        ),
        Kind("watchlist writes", 6, LUA_WRITES % {"writes": _lua(sequence)}),
    ]
    warm = [*anonymous, f"/watchlists/{watchlist.pk}/", "/api/v1/lists/ai/"]
    return kinds, writers, [(path, session) for path in warm]


def _warm(paths: list[tuple[str, str]]) -> None:
    """Both workers answer every path once before the clock starts (templates, imports)."""
    for path, session in paths * 2:
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": f"sessionid={session}"}
        )
        urllib.request.urlopen(request, timeout=30).read()


def _start(kind: Kind, folder: Path) -> subprocess.Popen:
    script = folder / f"{kind.name.replace(' ', '_')}.lua"
    script.write_text(LUA_COMMON + kind.script)
    return subprocess.Popen(
        ["wrk", "-t1", f"-c{kind.connections}", f"-d{DURATION}s", "--timeout", "10s",
         "-s", str(script), f"http://127.0.0.1:{PORT}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _parse(output: str) -> dict:
    line = re.search(r"LOAD ok=(\d+) bad=(\d+) socket=(\d+) p50=(\d+) p99=(\d+)", output)
    if line is None:
        raise SystemExit(f"wrk gave no summary:\n{output}")
    ok, bad, socket, p50, p99 = map(int, line.groups())
    return {"ok": ok, "errors": bad + socket, "p50": p50 / 1000, "p99": p99 / 1000}


def run() -> Result:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load benchmark: apt-get install wrk")
    demo_seed(end=datetime.now(UTC))
    kinds, writers, kinds_paths = _prepare()
    server = _serve()
    try:
        _warm(kinds_paths)
        with tempfile.TemporaryDirectory() as folder:
            processes = [(kind, _start(kind, Path(folder))) for kind in kinds]
            results = [(kind, _parse(process.communicate()[0])) for kind, process in processes]
    finally:
        server.terminate()
        server.wait(10)
    total = sum(kind.connections for kind in kinds)
    print(f"load: gunicorn -w 2, {total} connections for {DURATION} s, five kinds at once")
    for kind, r in results:
        rate = r["ok"] / DURATION
        print(f"  {kind.name:20} {kind.connections:2} conn {rate:6.1f} req/s"
              f" p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  errors {r['errors']}")  # fmt: skip
    created = dict(results)[kinds[-1]]["ok"]
    rows = WatchlistItem.objects.filter(watchlist__owner__in=writers).count()
    # wrk stops with up to one request per connection in flight: those may be stored unseen.
    lost, unseen = max(0, created - rows), max(0, rows - created)
    print(f"  writes: {created} answered 201, {rows} rows counted after: lost {lost}"
          f" ({unseen} stored while wrk stopped, at most {kinds[-1].connections})")  # fmt: skip
    errors = sum(r["errors"] for _, r in results)
    passed = errors == 0 and lost == 0 and unseen <= kinds[-1].connections
    worst = max(r["p99"] for _, r in results)
    Watchlist.objects.filter(owner__in=writers).delete()
    return Result("load worst p99 (s)", worst / 1000, 1.0, "0 errors, 0 lost writes", passed)
