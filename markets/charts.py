"""Chart-series reads for the market pages: downsampled prices, sparklines, underwater curves.

Everything here reads snapshots and returns plain lists, ready for JSON or an SVG polyline.
Downsampling happens in the database (last price of each time bucket, one windowed query),
so a chart costs the same whatever the length of the stored history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
from django.db import connection
from django.db.models import (
    BigIntegerField,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Lead, RowNumber

from core.charts import chart_annotations
from markets.metrics_math import DAY, HOUR
from markets.models import Snapshot, SnapshotCompact, Token

MAX_POINTS = 1_000
# Range key -> span in seconds (None: the whole stored history).
RANGES: dict[str, int | None] = {
    "24h": DAY,
    "7d": 7 * DAY,
    "30d": 30 * DAY,
    "90d": 90 * DAY,
    "1y": 365 * DAY,
    "all": None,
}
DEFAULT_RANGE = "30d"
SPARKLINE_SECONDS = 7 * DAY


class UnknownRange(ValueError):
    """A chart range key that is not one of RANGES."""


class Epoch(Func):
    """Whole seconds since 1970-01-01 UTC of a datetime expression."""

    arity = 1
    function = "UNIX_TIMESTAMP"  # MySQL; PostgreSQL and SQLite below
    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="FLOOR(DATE_PART('epoch', %(expressions)s))::bigint",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # The format goes in as a parameter: a literal '%s' would clash with placeholders.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(strftime(%s, {sql}) AS INTEGER)", ("%s", *params)


def _dt(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _iso(epoch: int | None) -> str | None:
    return None if epoch is None else _dt(epoch).isoformat().replace("+00:00", "Z")


def bucket_width(span: int, *, max_points: int = MAX_POINTS) -> int:
    """Whole seconds per bucket so that [start, start + span] holds at most max_points."""
    return max(1, span // max_points + 1)


def _bucket_lasts(
    snapshots,
    *,
    start: int,
    width: int,
    partition: Sequence = (),
    fields: tuple[str, str, str] = ("ts", "price_usd", "source"),
) -> list[tuple[int, ...]]:
    """(token_id, epoch, price) of the last snapshot of each time bucket (one query).

    ``fields`` names the time, price and tie-break columns (compacted rows: close_at,
    close_usd, id). A row is its bucket's last when the next row in time order is in another
    bucket: the rows come in index order and are never sorted by bucket, so the cost stays
    one pass over the range.
    """
    time, price, tiebreak = fields
    epoch = Epoch(time)
    bucket = (epoch - Value(start)) / Value(width)
    rows = (
        snapshots.annotate(
            epoch=epoch,
            bucket_index=bucket,
            next_bucket=Window(
                Lead(bucket, default=Value(-1)),
                partition_by=list(partition) or None,
                order_by=[F(time).asc(), F(tiebreak).asc()],
            ),
        )
        .exclude(next_bucket=F("bucket_index"))
        .order_by("token_id", time)
        .values_list("token_id", "epoch", price)
    )
    return list(rows)


def _bucket_highs(
    snapshots, *, start: int, width: int, fields: tuple[str, str] = ("ts", "price_usd")
) -> dict[int, float]:
    """bucket index -> highest price of the bucket (one query).

    Raw snapshots read one quote per instant (the source that sorts last), as every figure
    does; compacted rows (``fields`` close_at and their bar's high, the highest such quote
    of the hour or day) give the same high after compaction as before.
    """
    time, price = fields
    if snapshots.model is Snapshot:
        # A window, not an anti-join, as snapshot_buckets (markets.selectors): on a history
        # the planner has no statistics for, the anti-join ran as a nested loop per quote.
        last_of_instant = Window(RowNumber(), partition_by=[F("ts")], order_by=F("source").desc())
        winners = snapshots.annotate(instant_rank=last_of_instant).filter(instant_rank=1)
        snapshots = Snapshot.objects.filter(pk__in=winners.values("pk"))
    rows = (
        snapshots.annotate(bucket_index=(Epoch(time) - Value(start)) / Value(width))
        .order_by()
        .values("bucket_index")
        .annotate(high=Max(price))
        .values_list("bucket_index", "high")
    )
    return dict(rows)


def underwater(
    prices: Sequence[float] | np.ndarray, *, peaks: Sequence[float] | np.ndarray | None = None
) -> list[float]:
    """Drawdown of each price from the running peak before it: p / max(p[..i]) - 1.

    ``peaks``, where given, are the highest prices up to each point (those a downsampled
    series left out included), and count in the running peak too.
    Always <= 0, and exactly 0 where the price makes a new (or equal) high.
    """
    p = np.asarray(prices, dtype=np.float64)
    if len(p) == 0:
        return []
    top = p if peaks is None else np.maximum(p, np.asarray(peaks, dtype=np.float64))
    return np.round(p / np.maximum.accumulate(top) - 1.0, 6).tolist()


def downsample_last(
    times: Sequence[int] | np.ndarray,
    values: Sequence[float] | np.ndarray,
    *,
    max_points: int = MAX_POINTS,
) -> tuple[list[int], list[float]]:
    """The last (time, value) of each of at most max_points equal time buckets.

    ``times`` must be ascending; a series already short enough comes back unchanged.
    """
    t = np.asarray(times, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    if len(t) <= max_points:
        return t.tolist(), v.tolist()
    bucket = (t - t[0]) // bucket_width(int(t[-1] - t[0]), max_points=max_points)
    last = np.flatnonzero(np.r_[bucket[1:] != bucket[:-1], True])
    return t[last].tolist(), v[last].tolist()


def price_chart(*, token: Token, range_key: str, until: datetime | None = None) -> dict:
    """Price and underwater series of one token over a range ending at its latest snapshot
    (its latest by ``until`` in a replay: nothing after that hour is read).

    At most MAX_POINTS points: the last price of each bucket of width span / MAX_POINTS.
    The underwater series falls from the running peak of every price of the range, not only
    of the points kept: a peak between two points counts (so the last point's depth is the
    fall from the range's high, whatever the downsampling).
    Three queries (history bounds, the bucketed prices, the buckets' highs) whatever the
    history size; two more where the range reaches back into compacted rows (their bucketed
    closes and highs), also independent of the history size.
    Raises UnknownRange for a key that is not in RANGES.
    """
    if range_key not in RANGES:
        raise UnknownRange(range_key)
    raw = Snapshot.objects.filter(token=OuterRef("pk"))
    folded_until = SnapshotCompact.objects.filter(token=OuterRef("pk"))
    if until is not None:
        raw = raw.filter(ts__lte=until)
        folded_until = folded_until.filter(close_at__lte=until)
    bounds = (
        Token.objects.filter(pk=token.pk)
        .annotate(
            first=Subquery(raw.order_by("ts").values("ts")[:1]),
            last=Subquery(raw.order_by("-ts").values("ts")[:1]),
            # The last compacted close in (token, close_at) order, not EXISTS: with a few
            # tokens holding most compacted rows, PostgreSQL ran EXISTS as a sequential scan.
            # It also ends a replayed chart older than the raw snapshots.
            folded=Subquery(folded_until.order_by("-close_at").values("close_at")[:1]),
            # When the history begins: the first quote of its oldest folded hour or day (that
            # row's open), so a range starts where it did before compaction.
            folded_first=Subquery(folded_until.order_by("close_at").values("open_at")[:1]),
        )
        .values("first", "last", "folded", "folded_first")
        .get()
    )
    payload = {"symbol": token.symbol, "range": range_key, "start": None, "end": None}
    if bounds["last"] is None and bounds["folded"] is None:
        return payload | {"count": 0, "price": [], "underwater": []}
    end = int((bounds["last"] or bounds["folded"]).timestamp())
    # Compacted closes count only before the first raw snapshot (none: all of them do).
    raw_first = end + 1 if bounds["first"] is None else int(bounds["first"].timestamp())
    first = raw_first
    span = RANGES[range_key]
    older = None
    if bounds["folded"] is not None and (span is None or end - span < first):
        older = SnapshotCompact.objects.filter(
            token=token, close_at__lt=_dt(raw_first), close_at__lte=_dt(end)
        )
        if span is not None:
            older = older.filter(close_at__gte=_dt(end - span))
        # The range starts where it did before compaction: at the history's first quote, or
        # at end - span (not at the first folded close inside the range, up to an hour or a
        # day later, or later still where the range begins without quotes).
        first = min(first, int(bounds["folded_first"].timestamp()))
    start = first if span is None else max(first, end - span)
    width = bucket_width(end - start)
    rows = []
    highs: dict[int, float] = {}
    if bounds["last"] is not None:
        in_range = Snapshot.objects.filter(token=token, ts__gte=_dt(start), ts__lte=bounds["last"])
        rows = _bucket_lasts(in_range, start=start, width=width)
        highs = _bucket_highs(in_range, start=start, width=width)
    if older is not None and start < raw_first:
        # The last compacted close of each bucket that has no raw snapshot, downsampled in
        # the database too: years of hourly rows are not read into Python.
        folded = _bucket_lasts(
            older, start=start, width=width, fields=("close_at", "close_usd", "id")
        )
        raw_buckets = {(epoch - start) // width for _, epoch, _ in rows}
        rows = [row for row in folded if (row[1] - start) // width not in raw_buckets] + rows
        folded_highs = _bucket_highs(
            older.annotate(bar_high=Coalesce("bar_high_usd", "high_usd")),
            start=start,
            width=width,
            fields=("close_at", "bar_high"),
        )
        for index, high in folded_highs.items():
            highs[index] = max(high, highs.get(index, high))
    times = [epoch for _, epoch, _ in rows]
    prices = [price for _, _, price in rows]
    peaks = [highs.get((epoch - start) // width, price) for _, epoch, price in rows]
    return payload | {
        "start": _iso(start),
        "end": _iso(end),
        "count": len(times),
        "price": [[t, p] for t, p in zip(times, prices, strict=True)],
        "underwater": [[t, d] for t, d in zip(times, underwater(prices, peaks=peaks), strict=True)],
    }


def sparklines(
    *, token_ids: Iterable[int], ends: Mapping[int, datetime] | None = None
) -> dict[int, list[float]]:
    """token id -> hourly closes over the 7 days before its latest snapshot (one query),
    preceded by the 7-day change's reference price where there is one: the line's trend is
    the token's change_7d.

    ``ends`` gives each token's latest snapshot time (e.g. its metrics' ``as_of``); tokens
    missing from it get no sparkline. Without ``ends`` they are looked up first (one more
    query of index probes).
    """
    ids = list(token_ids)
    if not ids:
        return {}
    if ends is None:
        ends = latest_snapshot_times(token_ids=ids)
    windows = [
        (token_id, end - timedelta(seconds=SPARKLINE_SECONDS), end)
        for token_id in ids
        if (end := ends.get(token_id)) is not None
    ]
    if not windows:
        return {}
    if connection.vendor == "postgresql":
        rows = _sparkline_rows_postgresql(windows)
    else:
        rows = _sparkline_rows(windows)
    out: dict[int, list[float]] = {}
    for token_id, price in rows:
        out.setdefault(token_id, []).append(price)
    return out


def _sparkline_rows(windows: Sequence[tuple[int, datetime, datetime]]) -> list[tuple]:
    """(token id, price) of each token's 7-day reference, then of the last snapshot of each
    hour in (since, end], ordered (two queries; PostgreSQL runs _SPARKLINE_SQL, one)."""
    match = Q()
    for token_id, since, end in windows:
        match |= Q(token_id=token_id, ts__gt=since, ts__lte=end)
    rows = _bucket_lasts(
        Snapshot.objects.filter(match), start=0, width=HOUR, partition=[F("token_id")]
    )
    before = Q()
    for token_id, since, _ in windows:
        before |= Q(
            token_id=token_id, ts__lte=since, ts__gte=since - timedelta(seconds=SPARKLINE_SECONDS)
        )
    latest_first = Window(
        RowNumber(), partition_by=[F("token_id")], order_by=[F("ts").desc(), F("source").desc()]
    )
    references = (
        Snapshot.objects.filter(before)
        .annotate(reference_rank=latest_first, epoch=Epoch("ts"))
        .filter(reference_rank=1)
        .values_list("token_id", "epoch", "price_usd")
    )
    rows = sorted([*rows, *references], key=lambda row: (row[0], row[1]))
    return [(token_id, price) for token_id, _, price in rows]


# The same query as _sparkline_rows written out: building it with the ORM (one OR-ed filter
# per token, a window) cost more CPU than running it, on every dashboard and list page.
# The line starts at the 7-day change's reference (the latest quote at or before the window's
# start, if not older than twice the window, as change_7d reads it), so its trend is the
# token's 7-day change, also for a token with gaps or quotes off the hour.
_SPARKLINE_SQL = """
WITH w (token_id, since, until) AS (VALUES {windows})
SELECT token_id, price_usd FROM (
    SELECT s.token_id, s.ts, s.price_usd, ROW_NUMBER() OVER (
        PARTITION BY s.token_id, FLOOR(DATE_PART('epoch', s.ts))::bigint / %s
        ORDER BY s.ts DESC, s.source DESC
    ) AS bucket_rank
    FROM {snapshot} s
    JOIN w ON s.token_id = w.token_id AND s.ts > w.since AND s.ts <= w.until
    UNION ALL
    SELECT w.token_id, r.ts, r.price_usd, 1
    FROM w CROSS JOIN LATERAL (
        SELECT s.ts, s.price_usd FROM {snapshot} s
        WHERE s.token_id = w.token_id AND s.ts <= w.since
          AND s.ts >= w.since - make_interval(secs => %s)
        ORDER BY s.ts DESC, s.source DESC
        LIMIT 1
    ) r
) ranked
WHERE bucket_rank = 1
ORDER BY token_id, ts
"""


def _sparkline_rows_postgresql(windows: Sequence[tuple[int, datetime, datetime]]) -> list:
    values = ", ".join(["(%s::bigint, %s::timestamptz, %s::timestamptz)"] * len(windows))
    sql = _SPARKLINE_SQL.format(snapshot=Snapshot._meta.db_table, windows=values)
    params = [*(value for window in windows for value in window), HOUR, SPARKLINE_SECONDS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def latest_snapshot_times(*, token_ids: Iterable[int]) -> dict[int, datetime]:
    """token id -> time of its newest snapshot (one index probe per token)."""
    from django.db.models import OuterRef, Subquery

    newest = Snapshot.objects.filter(token=OuterRef("pk")).order_by("-ts").values("ts")[:1]
    rows = Token.objects.filter(pk__in=list(token_ids)).annotate(newest=Subquery(newest))
    return {pk: ts for pk, ts in rows.values_list("pk", "newest") if ts is not None}


def sparkline_points(values: Sequence[float], *, width: int = 100, height: int = 28) -> str:
    """SVG polyline ``points`` drawing the values left to right inside width x height."""
    if len(values) < 2:
        return ""
    v = np.asarray(values, dtype=np.float64)
    low, high = float(v.min()), float(v.max())
    pad = 2.0
    scale = (height - 2 * pad) / (high - low) if high > low else 0.0
    xs = np.linspace(0.0, float(width), len(v))
    ys = height - pad - (v - low) * scale if scale else np.full(len(v), height / 2)
    # Plain floats: formatting numpy scalars one by one is several times slower.
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs.tolist(), ys.tolist(), strict=True))


def cap_chart(*, cap_series: Sequence[Sequence[float]]) -> dict:
    """A list's total-cap series (ListMetrics.cap_series) downsampled, with its drawdown from
    the running peak of the whole series (so it ends at ``drawdown_now``)."""
    if not cap_series:
        return {"count": 0, "cap": [], "drawdown": []}
    t = [int(point[0]) for point in cap_series]
    caps = [float(point[1]) for point in cap_series]
    top = int(np.argmax(caps))
    times, values = downsample_last(t, caps)
    # The drawdown falls from the running peak of every hour, not only of the hours kept
    # (the note's peak may be an hour that downsampling leaves out).
    running_peak = dict(zip(t, np.maximum.accumulate(caps).tolist(), strict=True))
    peaks = [running_peak[ts] for ts in times]
    return {
        "count": len(times),
        "peak": caps[top],
        "peak_at": _dt(t[top]),
        "last": caps[-1],
        "drawdown_now": caps[-1] / caps[top] - 1.0 if caps[top] else None,
        "cap": [[ts, round(v, 2)] for ts, v in zip(times, values, strict=True)],
        "drawdown": [[ts, d] for ts, d in zip(times, underwater(values, peaks=peaks), strict=True)],
    }


def annotations_for(*, kind: str, obj, points: Sequence[Sequence[float]]) -> dict:
    """Events (markers) and bands that apps above draw over a series' span (core/charts.py)."""
    if not points:
        return {"markers": [], "bands": []}
    start, end = _dt(int(points[0][0])), _dt(int(points[-1][0]))
    return chart_annotations(kind=kind, obj=obj, start=start, end=end)
