"""Shared helpers: deterministic data, raw binary COPY, timing, the summary table."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.test import override_settings
from rest_framework.throttling import SimpleRateThrottle

from markets.models import (
    JobLock,
    ListMetrics,
    RefreshRun,
    Snapshot,
    Token,
    TokenList,
    TokenListMembership,
    TokenMetrics,
)
from markets.services.ingest import QuoteColumns

REPS = 3
HOUR = 3_600
END_TS = 1_767_225_600  # 2026-01-01 00:00 UTC, the last hour of generated history
SOURCE = "bench"
PG_EPOCH = 946_684_800  # 2000-01-01, origin of PostgreSQL binary timestamps
COPY_HEADER, COPY_TRAILER = b"PGCOPY\n\xff\r\n\x00" + bytes(8), b"\xff\xff"
SNAPSHOT_COPY = (
    f"COPY {Snapshot._meta.db_table} (token_id, ts, source, price_usd, market_cap_usd,"
    " volume_24h_usd) FROM STDIN (FORMAT BINARY)"
)
HISTORY_COPY_OUT = (
    "COPY (SELECT token_id, ts, price_usd, market_cap_usd, volume_24h_usd"
    f" FROM {Snapshot._meta.db_table}) TO STDOUT (FORMAT BINARY)"
)


@dataclass(frozen=True)
class Result:
    name: str
    measured: float
    baseline: float
    target: str
    passed: bool

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline


def best_of(*fns: Callable[[], object], prepare: Callable[[], object] | None = None) -> list:
    """Best wall time of REPS calls of each ``fn``, runs interleaved so drift hits all alike.

    ``prepare`` runs untimed before every call.
    """
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(REPS):
        for fn, spent in zip(fns, times, strict=True):
            if prepare:
                prepare()
            start = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - start)
    for fn, spent in zip(fns, times, strict=True):
        print(f"    {fn.__name__:<12} runs: {', '.join(f'{t:.3f}' for t in spent)} s")
    return [min(spent) for spent in times]


def sql(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def reset() -> None:
    """Empty every table the benchmarks touch, then checkpoint so runs start alike."""
    models = (Snapshot, TokenMetrics, ListMetrics, TokenListMembership, TokenList, RefreshRun,
              JobLock, Token)  # fmt: skip
    sql(f"TRUNCATE {', '.join(m._meta.db_table for m in models)} RESTART IDENTITY CASCADE")
    sql("CHECKPOINT")


def schema_check() -> None:
    """Stop if the snapshot table lacks an index or constraint its model declares."""
    meta = Snapshot._meta
    with connection.cursor() as cursor:
        present = connection.introspection.get_constraints(cursor, meta.db_table)
    missing = {x.name for x in (*meta.indexes, *meta.constraints)} - present.keys()
    missing |= {"fk"} - {"fk" for c in present.values() if c["foreign_key"]}
    if missing:
        raise SystemExit(f"{meta.db_table} lacks {sorted(missing)}: drop the bench database")


def tokens_create(count: int) -> list[int]:
    """``count`` active tokens, the first one BTC (so beta/correlation get computed)."""
    symbols = ["BTC"] + [f"T{i:04d}" for i in range(1, count)]
    Token.objects.bulk_create(Token(symbol=s, name=f"Bench {s}") for s in symbols)
    return list(Token.objects.order_by("pk").values_list("pk", flat=True))


def lists_create(token_ids: list[int], sizes: dict[str, int]) -> None:
    """One list per slug holding the first ``size`` tokens, the first list featured."""
    for i, (slug, size) in enumerate(sizes.items()):
        tl = TokenList.objects.create(slug=slug, name=slug.title(), is_featured=i == 0)
        TokenListMembership.objects.bulk_create(
            TokenListMembership(token_list=tl, token_id=tid, position=pos)
            for pos, tid in enumerate(token_ids[:size])
        )


def history_columns(token_ids: list[int], hours: int, seed: int = 42) -> QuoteColumns:
    """Hourly random-walk quotes ending at END_TS, sorted by (token, ts), all values known."""
    rng = np.random.default_rng(seed)
    n = len(token_ids)
    base = np.exp(rng.uniform(np.log(0.01), np.log(1_000), (n, 1)))
    price = base * np.exp(np.cumsum(rng.normal(0, 0.01, (n, hours)), axis=1))
    cap = price * rng.uniform(1e6, 1e10, (n, 1))
    volume = cap * rng.lognormal(np.log(0.05), 0.5, (n, hours))
    ts = END_TS - HOUR * np.arange(hours - 1, -1, -1, dtype=np.int64)
    return QuoteColumns(
        token_id=np.repeat(np.asarray(token_ids, dtype=np.int64), hours),
        ts=np.tile(ts, n),
        price_usd=price.ravel(),
        market_cap_usd=cap.ravel(),
        volume_24h_usd=volume.ravel(),
    )


def copy_payload(cols: QuoteColumns, source: str = SOURCE) -> bytes:
    """The rows as one binary COPY stream for the snapshot table, built with numpy."""
    assert not np.isnan(cols.market_cap_usd).any() and not np.isnan(cols.volume_24h_usd).any()
    src = source.encode()
    values = {  # field -> (big-endian type, values); each field is sent as length + bytes
        "token_id": (">i8", cols.token_id),
        "ts": (">i8", (cols.ts - PG_EPOCH) * 10**6),  # timestamptz: µs since 2000-01-01
        "source": (f"S{len(src)}", src),
        "price": (">f8", cols.price_usd),
        "cap": (">f8", cols.market_cap_usd),
        "vol": (">f8", cols.volume_24h_usd),
    }
    layout = [("n", ">i2")]
    for name, (kind, _) in values.items():
        layout += [(f"len_{name}", ">i4"), (name, kind)]
    rows = np.empty(len(cols), np.dtype(layout))
    rows["n"] = len(values)
    for name, (kind, value) in values.items():
        rows[f"len_{name}"], rows[name] = np.dtype(kind).itemsize, value
    return COPY_HEADER + rows.tobytes() + COPY_TRAILER


def copy_in(payload: bytes, chunk: int = 1 << 20) -> None:
    view = memoryview(payload)
    with connection.cursor() as cursor, cursor.cursor.copy(SNAPSHOT_COPY) as copy:
        for start in range(0, len(view), chunk):
            copy.write(view[start : start + chunk])


def copy_out(statement: str = HISTORY_COPY_OUT) -> int:
    """Run a COPY … TO STDOUT and consume every byte; returns the byte count."""
    size = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for chunk in copy:
            size += len(chunk)
    return size


def history_load(token_ids: list[int], hours: int) -> QuoteColumns:
    """Bulk-load history with the raw COPY, then ANALYZE as autovacuum would."""
    cols = history_columns(token_ids, hours)
    copy_in(copy_payload(cols))
    sql(f"ANALYZE {Snapshot._meta.db_table}")
    return cols


def summary_print(results: list[Result]) -> None:
    print(f"\nSummary (best of {REPS} runs on each side)")
    head = (
        f"{'benchmark':<10} {'measured':>10} {'baseline':>10} {'ratio':>7}  {'target':<14} result"
    )
    print(head + "\n" + "-" * len(head))
    for r in results:
        print(f"{r.name:<10} {r.measured:>9.3f}s {r.baseline:>9.3f}s {r.ratio:>6.2f}x"
              f"  {r.target:<14} {'PASS' if r.passed else 'FAIL'}")  # fmt: skip


PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@contextmanager
def in_process_site() -> Iterator[None]:
    """The site as bench/http_settings.py serves it, for Django's test client: production
    settings, no static manifest needed, no throttling, page cache off."""
    SimpleRateThrottle.THROTTLE_RATES = {"anon": None, "user": None}  # read at import time
    with override_settings(
        ROOT_URLCONF="bench.http_urls", PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["*"],
        SECURE_SSL_REDIRECT=False, DEBUG=False,
        STORAGES={**settings.STORAGES, "staticfiles": PLAIN_STATIC},
    ):  # fmt: skip
        yield
