"""Day summaries: the live metrics read the inner days of each 90-day window from a few kept
snapshots a day instead of every snapshot (PostgreSQL only).

Why the figures stay exact. Of a UTC day lying wholly inside a window, a metric reads only:

- each hour's last quote: the list cap chart's hourly grid (the last quote at or before each
  hour), the day's close (beta) and, when a change's own day holds no earlier quote, the
  reference it falls back to;
- the day's highest and lowest price (the 7- and 30-day highs and lows);
- the two ends of the day's deepest fall (max drawdown: over days in order, the deepest
  fall is either inside one day or from an earlier day's high to a later day's low, and
  every one of those is kept, so the minimum over the kept quotes is the same float).

The days where a window starts (90, 30 and 7 days back), where a change looks up its
reference (1 hour, 24 hours, 7 and 30 days back) and the last day are read in full, as is
all of BTC (beta reads its close at any token's end). Each kept quote also carries the last
cap known earlier that day (``cap_ff``), so the forward-filled caps of the cap chart are
unchanged; its own cap stays as stored for the reference caps.

A day without a summary is read in full, so a missing summary only costs time. The
triggers of migration markets.0013 delete a day's summary when any of its snapshots is
inserted, updated or deleted; the builder holds an advisory lock that those triggers share,
so a summary is never built from rows a concurrent writer is changing.
"""

from __future__ import annotations

import numpy as np
from django.db import connection, transaction

from core.pg_copy import PG_EPOCH, timestamps_from_pg
from markets.metrics_math import DAY, HISTORY_SECONDS, HOUR, forward_filled
from markets.models import Snapshot, SnapshotDaySummary

LOCK_KEY = 7_120_260_201  # also in migration markets.0013
BUILD_MAX_DAYS = 5_000  # token-days a call summarises: a first build spreads over refreshes
TABLE = Snapshot._meta.db_table
SUMMARY_TABLE = SnapshotDaySummary._meta.db_table
RAW_ROW = np.dtype([("ts", ">i8"), ("p", ">f8"), ("cap", ">f8"), ("vol", ">f8")])
POINT = np.dtype([("ts", ">i8"), ("p", ">f8"), ("cap", ">f8"), ("cap_ff", ">f8"), ("vol", ">f8")])
# Days before a token's latest snapshot read in full: where the windows start and where the
# changes look up their reference (markets.metrics_math).
RAW_DAYS_BACK = (HISTORY_SECONDS, 30 * DAY, 7 * DAY, DAY, HOUR, 0)

_CAP = "float8send(coalesce(market_cap_usd, 'NaN'))"
_VOLUME = "float8send(coalesce(volume_24h_usd, 'NaN'))"
_RAW_ROW = f"timestamptz_send(ts) || float8send(price_usd) || {_CAP} || {_VOLUME}"
# A raw quote in the summaries' layout: its own cap doubles as its known cap.
_RAW_POINT = f"timestamptz_send(ts) || float8send(price_usd) || {_CAP} || {_CAP} || {_VOLUME}"
_LAST_EPOCH = (
    "CROSS JOIN LATERAL (SELECT max(ts) AS last, floor(extract(epoch FROM max(ts)))::int8 AS e"
    f" FROM {TABLE} WHERE token_id = t.id) l"
)


def day_points(t: np.ndarray, p: np.ndarray, cap: np.ndarray, vol: np.ndarray) -> bytes:
    """One day's quotes (sorted, one per instant) reduced to the kept ones, packed."""
    if len(t) == 0:
        return b""
    hour_key = -(-t // HOUR)  # the hour mark each quote is the latest candidate for
    keep = np.r_[hour_key[1:] != hour_key[:-1], True]
    trough = int(np.argmin(p / np.maximum.accumulate(p)))
    for i in (int(np.argmax(p)), int(np.argmin(p)), trough, int(np.argmax(p[: trough + 1]))):
        keep[i] = True
    out = np.empty(int(keep.sum()), POINT)
    out["ts"] = (t[keep] - PG_EPOCH) * 1_000_000
    out["p"], out["cap"], out["vol"] = p[keep], cap[keep], vol[keep]
    out["cap_ff"] = forward_filled(cap)[keep]
    return out.tobytes()


def _one_per_instant(rows: np.ndarray) -> np.ndarray:
    """Rows in (time, source) order -> the last one of each instant (as the metrics keep)."""
    if len(rows) == 0:
        return rows
    return rows[np.r_[rows["ts"][1:] != rows["ts"][:-1], True]]


def _missing_days(cursor, token_ids: list[int]) -> tuple[list[int], list[int]]:
    """(token ids, epoch days) of inner window days without a summary, capped."""
    cursor.execute(
        f"SELECT t.id, g.day FROM unnest(%s::int8[]) AS t(id) {_LAST_EPOCH}"
        f" CROSS JOIN LATERAL generate_series((l.e - {HISTORY_SECONDS}) / {DAY} + 1,"
        f" l.e / {DAY} - 1) AS g(day)"
        f" WHERE NOT EXISTS (SELECT 1 FROM {SUMMARY_TABLE} s WHERE s.token_id = t.id"
        "  AND s.day = date '1970-01-01' + g.day::int)"
        " ORDER BY t.id, g.day LIMIT %s",
        [token_ids, BUILD_MAX_DAYS],
    )
    rows = cursor.fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def day_summaries_build(*, token_ids: list[int], exclude: list[int] = ()) -> int:
    """Summarise the inner days of these tokens' windows that have no summary yet (at most
    BUILD_MAX_DAYS of them); returns how many were written. PostgreSQL only, else 0."""
    ids = sorted(set(token_ids) - set(exclude))
    if connection.vendor != "postgresql" or not ids:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        tokens, days = _missing_days(cursor, ids)
        if not tokens:
            return 0
        cursor.execute(
            f"SELECT (SELECT string_agg({_RAW_ROW}, ''::bytea) FROM (SELECT * FROM {TABLE}"
            "  WHERE token_id = w.id AND ts >= to_timestamp(w.day * 86400)"
            "  AND ts < to_timestamp((w.day + 1) * 86400) ORDER BY ts, source) r)"
            " FROM unnest(%s::int8[], %s::int8[]) WITH ORDINALITY AS w(id, day, n) ORDER BY w.n",
            [tokens, days],
        )
        blobs = []
        for (packed,) in cursor.fetchall():
            rows = _one_per_instant(np.frombuffer(packed or b"", RAW_ROW))
            t = timestamps_from_pg(rows["ts"])
            cols = (rows[name].astype(np.float64) for name in ("p", "cap", "vol"))
            blobs.append(day_points(t, *cols))
        cursor.execute(
            f"INSERT INTO {SUMMARY_TABLE} (token_id, day, points)"
            " SELECT id, date '1970-01-01' + day::int, points"
            " FROM unnest(%s::int8[], %s::int8[], %s::bytea[]) AS w(id, day, points)"
            " ON CONFLICT (token_id, day) DO NOTHING",
            [tokens, days, blobs],
        )
    return len(tokens)


def windows_packed_sql(*, full: list[int]) -> str:
    """SELECT (token id, its 90-day window packed as POINT rows in time order) for the token
    ids of the one parameter: summaries for inner days, every quote elsewhere and of the
    ``full`` tokens."""
    exclude_param = "ARRAY[{}]::int8[]".format(", ".join(str(int(i)) for i in full))
    back = ", ".join(f"(l.e - {s}) / {DAY}" for s in RAW_DAYS_BACK)
    return (
        f"SELECT t.id, x.packed FROM unnest(%s::int8[]) AS t(id) {_LAST_EPOCH}"
        f" CROSS JOIN LATERAL (SELECT string_agg(part, ''::bytea ORDER BY day) AS packed FROM ("
        # Inner days with a summary (none for the excluded tokens: BTC) ...
        f"  SELECT s.day - date '1970-01-01' AS day, s.points AS part FROM {SUMMARY_TABLE} s"
        f"  WHERE s.token_id = t.id AND t.id <> ALL({exclude_param})"
        f"  AND s.day > date '1970-01-01' + ((l.e - {HISTORY_SECONDS}) / {DAY})::int"
        f"  AND s.day < date '1970-01-01' + (l.e / {DAY})::int"
        f"  AND (s.day - date '1970-01-01') <> ALL(ARRAY[{back}])"
        "  UNION ALL"
        # ... and every quote of the other days, day by day (index range scans).
        f"  SELECT g.day, (SELECT string_agg({_RAW_POINT}, ''::bytea) FROM (SELECT * FROM {TABLE}"
        "   WHERE token_id = t.id"
        f"   AND ts >= to_timestamp(g.day * {DAY}) AND ts < to_timestamp((g.day + 1) * {DAY})"
        f"   AND ts >= l.last - interval '{HISTORY_SECONDS} seconds' AND ts <= l.last"
        "   ORDER BY ts, source) r)"
        f"  FROM generate_series((l.e - {HISTORY_SECONDS}) / {DAY}, l.e / {DAY}) AS g(day)"
        f"  WHERE t.id = ANY({exclude_param}) OR g.day = ANY(ARRAY[{back}]) OR NOT EXISTS ("
        f"   SELECT 1 FROM {SUMMARY_TABLE} s WHERE s.token_id = t.id"
        "   AND s.day = date '1970-01-01' + g.day::int)"
        " ) parts) x"
    )
