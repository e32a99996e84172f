"""History length: the same reads and refresh with 100,000 snapshot rows and with 10 million.

1,000 tokens with hourly history ending at END_TS: 100 hours each (100,000 rows), then
10,000 hours each (10 M rows, about 14 months), the 10 M stored two ways:

- raw: every row in the snapshot table (retention never ran);
- compacted: what production holds after its daily retention run (RAW_RETENTION_DAYS=100):
  the last 100 days raw (BTC 31 days more, as markets.services.retention keeps for beta),
  the older hours as hourly SnapshotCompact rows. Hourly rows of hourly quotes hold one
  quote each, so the total stays 10 M. The folded rows are written set-based here (what
  snapshots_compact would write for one quote an hour); a snapshots_compact run afterwards
  must find nothing left to fold, which checks the layout.

A "100k narrow" state holds 10 tokens (BTC, the measured token and 8 others) with the
compacted 10M state's history and layout, 100,000 rows: every read there gives the same
answer as in the 10M states, so 10M compacted / 100k narrow isolates the size of the tables
from the size of the answer (the refresh of 10 tokens is not the 1,000-token cycle: not
run). A third state, 2.4M rows (100 days of 1,000 tokens, all raw), is the reference where every
metric window (90 days) is already full: the 100k state (100 hours) fills none, so against
it the refresh and the long chart ranges also grow with the data inside their window, not
only with the history length. Ratios are printed against both.

Everything is generated in PostgreSQL (generate_series), prices a deterministic wave per
token. Timed in process with Django's test client, page cache off, best of RUNS after a
warm-up: the token page, its chart JSON for every range, the snapshots API (interval 1h over
the default 7 days, 1d over a year) and one refresh cycle of the 1,000 tokens from a stub
provider (ingest + hourly closes + metric recompute). Each 10 M figure is printed with its
ratio to the 100,000 one; the target is <= 1.2x.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from itertools import count

from django.conf import settings
from django.db import connection
from django.test import Client

from bench.common import (
    END_TS,
    HOUR,
    Result,
    in_process_site,
    lists_create,
    reset,
    sql,
    tokens_create,
)
from markets.charts import RANGES
from markets.models import RefreshRun, Snapshot, SnapshotCompact, Token
from markets.providers.base import ProviderResult, Quote
from markets.services.day_summary import day_summaries_build
from markets.services.metrics import metrics_recompute
from markets.services.refresh import prices_refresh
from markets.services.retention import snapshots_compact

TOKENS, SMALL_HOURS = 1_000, 100
BIG_HOURS = int(os.environ.get("BENCH_SCALE_HOURS", "10000"))  # smaller for a smoke run
RUNS, REFRESH_RUNS, TARGET = 15, 3, 1.2  # reads are ms: more runs against machine noise
DAY = 86_400
SYMBOL = "T0500"
LISTS = {"all": TOKENS, "top-50": 50, "top-20": 20, "top-5": 5}
NARROW = "100k narrow"  # 10 tokens with the 10M states' history: the same answers, 1 % of rows
ALL_STATES = ("100k", NARROW, "2.4M", "10M raw", "10M compacted")
# BENCH_SCALE_STATES="100k,10M compacted" measures only those (100k always comes first).
STATES = tuple(
    s for s in ALL_STATES
    if s == "100k" or s in os.environ.get("BENCH_SCALE_STATES", ",".join(ALL_STATES)).split(",")
)  # fmt: skip
SNAP, COMPACT = Snapshot._meta.db_table, SnapshotCompact._meta.db_table
# A deterministic price per (token t, hour index h): a per-token base level times two waves.
PRICE = (
    "exp(ln(0.01) + ((t.id * 0.6180339887) - floor(t.id * 0.6180339887)) * ln(100000.0))"
    " * exp(0.4 * sin(h / 700.0 + t.id) + 0.05 * sin(h / 11.0 + 3 * t.id))"
)
CAP = f"({PRICE}) * (1e6 + t.id * 1e7)"
VOLUME = f"({CAP}) * (0.03 + 0.02 * sin(h / 5.0 + t.id))"
# h counts back from the newest hour (h = 0 at END_TS).
ROWS = (
    "SELECT t.id AS token_id, to_timestamp({end} - {hour} * h) AS ts, {price} AS price,"
    " {cap} AS cap, {volume} AS volume"
    " FROM {token} t CROSS JOIN generate_series({first}, {last}) AS h"
    " WHERE {where} ORDER BY t.id, h DESC"
)


def _rows(first: int, last: int, where: str = "TRUE") -> str:
    return ROWS.format(end=END_TS, hour=HOUR, price=PRICE, cap=CAP, volume=VOLUME,
                       token=Token._meta.db_table, first=first, last=last, where=where)  # fmt: skip


def _raw_insert(first: int, last: int, where: str = "TRUE") -> None:
    columns = "token_id, ts, source, price_usd, market_cap_usd, volume_24h_usd"
    rows = _rows(first, last, where)
    sql(f"INSERT INTO {SNAP} ({columns}) SELECT token_id, ts, 'bench', price, cap, volume"
        f" FROM ({rows}) r")  # fmt: skip


def _compact_insert(first: int, last: int, where: str) -> None:
    sql(f"INSERT INTO {COMPACT} (token_id, interval, bucket, open_usd, open_at, high_usd,"
        " high_at, low_usd, close_usd, close_at, market_cap_usd, volume_24h_usd, count)"
        " SELECT token_id, '1h', ts, price, ts, price, ts, price, price, ts, cap, volume, 1"
        f" FROM ({_rows(first, last, where)}) r")  # fmt: skip


def state_build(kind: str) -> None:
    """Empty tables, 1,000 tokens and lists, then the history of ``kind``, analysed."""
    reset()
    ids = tokens_create(TOKENS)
    lists_create(ids, LISTS)
    start = time.perf_counter()
    if kind == "100k":
        _raw_insert(0, SMALL_HOURS - 1)
    elif kind == "2.4M":  # reference: 100 days, every metric window full, nothing folded
        _raw_insert(0, settings.RAW_RETENTION_DAYS * DAY // HOUR - 1)
    elif kind == "10M raw":
        _raw_insert(0, BIG_HOURS - 1)
    else:  # compacted: hours before the token's raw cutoff fold into hourly rows
        keep = settings.RAW_RETENTION_DAYS * DAY // HOUR
        btc_keep = keep + 31 * DAY // HOUR  # BETA_DAYS + 1, as retention._raw_cutoffs
        btc = f"t.id = {ids[0]}"
        some = "TRUE"
        if kind == NARROW:  # BTC, the measured token and 8 others
            some = f"t.id IN ({', '.join(map(str, _narrow_ids(ids)))})"
        _raw_insert(0, keep - 1, f"{some} AND NOT {btc}")
        _raw_insert(0, btc_keep - 1, btc)
        _compact_insert(keep, BIG_HOURS - 1, f"{some} AND NOT {btc}")
        _compact_insert(btc_keep, BIG_HOURS - 1, btc)
    sql(f"VACUUM ANALYZE {SNAP}")  # as autovacuum would after a bulk load
    sql(f"VACUUM ANALYZE {COMPACT}")
    metrics_recompute()  # steady state: every token already has metrics
    summaries = _day_summaries_complete(ids)
    raw = Snapshot.objects.count()
    folded = SnapshotCompact.objects.count()
    print(f"  {kind}: {raw:,} raw + {folded:,} compacted rows, {summaries:,} day summaries,"
          f" built in {time.perf_counter() - start:.0f} s")  # fmt: skip
    if kind in ("10M compacted", NARROW):
        now = datetime.fromtimestamp(END_TS, UTC)
        result = snapshots_compact(now=now)
        assert result.raw_folded == result.hourly_folded == 0, result  # nothing left to fold
    # Measure on a new connection, as a web worker would: the session that wrote the rows ran
    # some reads much slower (the 1d API over a year 40 ms instead of 26 ms at 10M).
    connection.close()


def _day_summaries_complete(ids: list[int]) -> int:
    """Every day summary the periodic refresh keeps (it builds BUILD_MAX_DAYS a run, so a
    site that has run for a day holds them all): a measured refresh builds only new days'."""
    built = total = day_summaries_build(token_ids=ids, exclude=ids[:1])  # BTC is read whole
    while built:
        built = day_summaries_build(token_ids=ids, exclude=ids[:1])
        total += built
    return total


def _narrow_ids(ids: list[int]) -> list[int]:
    measured = Token.objects.get(symbol=SYMBOL).pk
    return sorted({ids[0], measured, *ids[1:9]})


class StubProvider:
    """One new quote per token an hour after the previous call, price up 0.1 %."""

    name = "bench"

    def __init__(self) -> None:
        self.hours = count(1)
        latest = Snapshot.objects.filter(ts=datetime.fromtimestamp(END_TS, UTC))
        self.last = {r[0]: r[1:] for r in latest.values_list(
            "token_id", "price_usd", "market_cap_usd", "volume_24h_usd")}  # fmt: skip

    def fetch_latest(self, tokens) -> ProviderResult:
        hour = next(self.hours)
        ts = END_TS + HOUR * hour
        return ProviderResult(quotes=[
            Quote(t.id, ts, p * 1.001**hour, c * 1.001**hour, v)
            for t in tokens if (p_c_v := self.last.get(t.id)) for p, c, v in [p_c_v]
        ])  # fmt: skip

    def fetch_history(self, token, *, start: int, end: int) -> ProviderResult:
        raise NotImplementedError


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def operations() -> dict[str, str]:
    """Name -> path of each read timed."""
    ops = {"page": f"/tokens/{SYMBOL}/"}
    ops |= {f"chart {key}": f"/tokens/{SYMBOL}/chart.json?range={key}" for key in RANGES}
    api = f"/api/v1/tokens/{SYMBOL}/snapshots/"
    ops["api 1h 7d"] = f"{api}?interval=1h&since={_iso(END_TS - 7 * DAY)}&until={_iso(END_TS)}"
    ops["api 1d 90d"] = f"{api}?interval=1d&since={_iso(END_TS - 90 * DAY)}&until={_iso(END_TS)}"
    ops["api 1d 1y"] = f"{api}?interval=1d&since={_iso(END_TS - 365 * DAY)}&until={_iso(END_TS)}"
    return ops


def _size(response) -> str:
    """What a response holds: points (chart), rows (API) or bytes (page)."""
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        if "count" in body and "price" in body:
            return f"{body['count']} points"
        return f"{len(body.get('results', []))} rows"
    return f"{len(response.content) // 1000} kB"


def state_measure(kind: str) -> dict[str, tuple[float, str]]:
    """Best time (s) and output size of every operation on the current state."""
    client, out = Client(), {}
    for name, path in operations().items():
        response = client.get(path)  # warm-up (and check)
        assert response.status_code == 200, (path, response.status_code)
        spent = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(path)
            spent.append(time.perf_counter() - start)
        out[name] = (min(spent), _size(response))
    if kind == NARROW:  # a refresh of 10 tokens is not the 1,000-token cycle
        out["refresh cycle"] = (float("nan"), "not run")
        print(f"  {kind}: " + ", ".join(f"{n} {t * 1000:.1f} ms" for n, (t, _) in out.items()))
        return out
    provider, spent = StubProvider(), []
    for _ in range(REFRESH_RUNS):
        start = time.perf_counter()
        run = prices_refresh(provider=provider)
        spent.append(time.perf_counter() - start)
        assert run.status == RefreshRun.Status.OK and run.quotes_stored == TOKENS, run
    out["refresh cycle"] = (min(spent), f"{TOKENS} quotes")
    print(f"  {kind}: " + ", ".join(f"{n} {t * 1000:.1f} ms" for n, (t, _) in out.items()))
    return out


def run() -> Result:
    with in_process_site():
        return _run()


def _run() -> Result:
    print(f"scale: {TOKENS:,} tokens, hourly history of {SMALL_HOURS} h (100k rows) vs"
          f" {BIG_HOURS:,} h (10 M rows, raw and compacted); best of {RUNS}"
          f" ({REFRESH_RUNS} for refresh), page cache off")  # fmt: skip
    figures = {}
    for kind in STATES:
        state_build(kind)
        figures[kind] = state_measure(kind)
    print(f"\n  {'operation':<14}" + "".join(f" {k:>13}" for k in ALL_STATES)
          + "   10M/100k raw, comp. | 10M comp./100k narrow | 10M/2.4M raw, comp."
          "  output per state")  # fmt: skip
    worst = 0.0

    def ratio(x: float, base: float) -> str:
        if base != base or x != x:
            return "   —  "
        return f"{x / base:5.2f}x{'' if x / base <= TARGET else '!'}"

    for name, (small, _) in figures["100k"].items():
        times = [figures.get(k, {}).get(name, (float("nan"),))[0] for k in ALL_STATES]
        narrow, ref, raw, comp = times[1:]
        worst = max(worst, *(x / small for x in (raw, comp) if x == x))
        print(f"  {name:<14}" + "".join(f" {t * 1000:11.1f}ms" if t == t else f" {'—':>13}"
                                         for t in times)
              + f"   {ratio(raw, small)} {ratio(comp, small)} | {ratio(comp, narrow)}"
              f" | {ratio(raw, ref)} {ratio(comp, ref)}  "
              + " / ".join(figures[k][name][1] for k in STATES))  # fmt: skip
    # A state left out (BENCH_SCALE_STATES) shows as "—"; its ratios are not printed.
    connection.close()
    return Result("scale (worst 10M/100k)", worst, 1.0, f"<= {TARGET:g}x", worst <= TARGET)
