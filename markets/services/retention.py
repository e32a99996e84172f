"""Retention: raw snapshots past RAW_RETENTION_DAYS fold into hourly rows, hourly rows past
HOURLY_RETENTION_DAYS into daily rows (SnapshotCompact). Idempotent: a second run finds
nothing left to fold.

Each token keeps its raw snapshots of the RAW_RETENTION_DAYS before its own latest one (and
before now; a quote dated past the market clock does not count), longer than any metric
window, and BTC as far back as any token's beta window needs it: the stored metrics never
read folded data (only replays of hours older than the raw snapshots do, through the
compacted closes). All-time highs stay exact: every folded
row keeps its highest price and when it was first reached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from markets.clock import FUTURE_TOLERANCE
from markets.metrics_math import BETA_DAYS, columns_concat
from markets.models import Snapshot, SnapshotCompact, Token
from markets.services.locks import market_data_lease

logger = logging.getLogger(__name__)

BTC_SYMBOL = "BTC"  # as markets.services.metrics (which imports this module's neighbours)

HOUR, DAY = 3_600, 86_400
TOKENS_PER_PASS = 200
FIELDS = ("open_usd", "open_at", "high_usd", "high_at", "bar_high_usd", "low_usd", "close_usd",
          "close_at", "market_cap_usd", "volume_24h_usd", "count")  # fmt: skip


@dataclass(frozen=True)
class CompactResult:
    raw_folded: int
    hourly_rows: int
    hourly_folded: int
    daily_rows: int


def _epoch(values) -> np.ndarray:
    return np.fromiter((int(v.timestamp()) for v in values), np.int64, len(values))


def _dt(epoch: int) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)


def _nan(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _fold(rows: dict[str, np.ndarray], width: int) -> dict[str, np.ndarray]:
    """Fold rows (one per snapshot or per finer bucket) into buckets of ``width`` seconds."""
    bucket = rows["open_at"] - rows["open_at"] % width
    order = np.lexsort((rows["open_at"], bucket, rows["token"]))
    rows = {k: v[order] for k, v in rows.items()}
    bucket = bucket[order]
    new = np.r_[True, (rows["token"][1:] != rows["token"][:-1]) | (bucket[1:] != bucket[:-1])]
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    index = np.arange(len(bucket))
    high = np.maximum.reduceat(rows["high_usd"], starts)
    # First time the high was reached: the earliest high_at among the rows holding it.
    high_at = np.where(rows["high_usd"] == high[group], rows["high_at"], np.iinfo(np.int64).max)
    last_close = np.maximum.reduceat(rows["close_at"], starts)
    closing = np.maximum.reduceat(
        np.where(rows["close_at"] == last_close[group], index, -1), starts
    )
    return {
        "token": rows["token"][starts],
        "bucket": bucket[starts],
        "open_usd": rows["open_usd"][starts],
        "open_at": rows["open_at"][starts],
        "high_usd": high,
        "high_at": np.minimum.reduceat(high_at, starts),
        "bar_high_usd": np.maximum.reduceat(rows["bar_high_usd"], starts),
        "low_usd": np.minimum.reduceat(rows["low_usd"], starts),
        "close_usd": rows["close_usd"][closing],
        "close_at": rows["close_at"][closing],
        "market_cap_usd": rows["market_cap_usd"][closing],
        "volume_24h_usd": rows["volume_24h_usd"][closing],
        "count": np.add.reduceat(rows["count"], starts),
    }


def _compact_rows(queryset) -> dict[str, np.ndarray]:
    data = list(queryset.values_list("token_id", *FIELDS))
    cols = dict(zip(("token", *FIELDS), zip(*data, strict=True) if data else [[]] * 12,
                    strict=True))  # fmt: skip
    high = np.array(cols["high_usd"], dtype=np.float64)
    return {
        "token": np.array(cols["token"], dtype=np.int64),
        "open_usd": np.array(cols["open_usd"], dtype=np.float64),
        "open_at": _epoch(cols["open_at"]),
        "high_usd": high, "high_at": _epoch(cols["high_at"]),
        "bar_high_usd": np.where(np.isnan(bar := _nan(cols["bar_high_usd"])), high, bar),
        "low_usd": np.array(cols["low_usd"], dtype=np.float64),
        "close_usd": np.array(cols["close_usd"], dtype=np.float64),
        "close_at": _epoch(cols["close_at"]),
        "market_cap_usd": _nan(cols["market_cap_usd"]),
        "volume_24h_usd": _nan(cols["volume_24h_usd"]),
        "count": np.array(cols["count"], dtype=np.int64),
    }  # fmt: skip


def _raw_rows(queryset) -> dict[str, np.ndarray]:
    data = list(
        queryset.order_by("token_id", "ts", "source").values_list(
            "token_id", "ts", "price_usd", "market_cap_usd", "volume_24h_usd"
        )
    )
    cols = list(zip(*data, strict=True)) if data else [[] for _ in range(5)]
    token, t = np.array(cols[0], dtype=np.int64), _epoch(cols[1])
    p = np.array(cols[2], dtype=np.float64)
    # One row per instant, the quote of the source that sorts last (as the buckets read raw
    # snapshots, so it is the bar's high); its high stays the highest quote of any source:
    # all-time highs read it.
    last = np.r_[(token[1:] != token[:-1]) | (t[1:] != t[:-1]), True][: len(t)]
    high = np.maximum.reduceat(p, np.flatnonzero(np.r_[True, last[:-1]])) if len(t) else p
    t, p = t[last], p[last]
    return {
        "token": token[last], "open_usd": p, "open_at": t,
        "high_usd": high, "high_at": t, "bar_high_usd": p,
        "low_usd": p, "close_usd": p, "close_at": t,
        "market_cap_usd": _nan(cols[3])[last], "volume_24h_usd": _nan(cols[4])[last],
        "count": np.ones(len(t), dtype=np.int64),
    }  # fmt: skip


def _write(folded: dict[str, np.ndarray], interval: str) -> int:
    def amount(value: float) -> float | None:
        return None if np.isnan(value) else float(value)

    def bar_high(bar: float, high: float) -> float | None:
        return None if bar == high else float(bar)

    rows = [
        SnapshotCompact(
            token_id=int(folded["token"][i]),
            interval=interval,
            bucket=_dt(folded["bucket"][i]),
            open_usd=float(folded["open_usd"][i]),
            open_at=_dt(folded["open_at"][i]),
            high_usd=float(folded["high_usd"][i]),
            high_at=_dt(folded["high_at"][i]),
            bar_high_usd=bar_high(folded["bar_high_usd"][i], folded["high_usd"][i]),
            low_usd=float(folded["low_usd"][i]),
            close_usd=float(folded["close_usd"][i]),
            close_at=_dt(folded["close_at"][i]),
            market_cap_usd=amount(folded["market_cap_usd"][i]),
            volume_24h_usd=amount(folded["volume_24h_usd"][i]),
            count=int(folded["count"][i]),
        )
        for i in range(len(folded["token"]))
    ]
    SnapshotCompact.objects.bulk_create(
        rows, batch_size=1000, update_conflicts=True,
        unique_fields=["token", "interval", "bucket"], update_fields=list(FIELDS),
    )  # fmt: skip
    return len(rows)


def _bucket_keys(token: np.ndarray, at: np.ndarray, width: int) -> np.ndarray:
    """One int64 per (token, bucket of ``width`` seconds holding ``at``)."""
    return (token << 32) | (at // width)


def _fold_pass(old: Q, source, reader, width: int, interval: str) -> tuple:
    """Fold the rows of ``source`` matching ``old`` into ``interval`` rows (merging any that
    exist for the same buckets), then delete them. Returns (rows folded, rows written)."""
    rows = reader(source.filter(old))
    if not len(rows["token"]):
        return 0, 0
    starts = rows["open_at"] - rows["open_at"] % width
    existing = _compact_rows(
        SnapshotCompact.objects.filter(
            token_id__in=np.unique(rows["token"]).tolist(), interval=interval,
            bucket__in=[_dt(b) for b in np.unique(starts)],
        )
    )  # fmt: skip
    # Only the rows of the (token, bucket) pairs being folded: another token's row for the
    # same hour is neither written again nor counted.
    wanted = np.isin(_bucket_keys(existing["token"], existing["open_at"], width),
                     _bucket_keys(rows["token"], rows["open_at"], width))  # fmt: skip
    existing = {name: column[wanted] for name, column in existing.items()}
    folded = _fold(columns_concat(rows, existing), width)
    written = _write(folded, interval)
    deleted, _ = source.filter(old).delete()  # raw rows: every source's, not one per instant
    return deleted, written


def _raw_cutoffs(now: int, days: int) -> dict[int, int]:
    """token id -> the hour before which its raw snapshots fold.

    BTC keeps its raw snapshots back to the oldest 30-day beta window any token still has
    raw data for, so beta and correlation of a token that stopped updating stay exact.

    A token's latest snapshot is its latest one not dated past ``now`` (the wall clock, plus
    a tolerance): a mistyped 2099 row would otherwise move its cutoff to now and fold the raw
    history of a token that stopped updating, or in demo mode (wall clock months after the
    episode) all of it. A token with only future rows folds nothing. Not the demo clock:
    real quotes imported beside the demo run ahead of it and are no mistake.
    """
    limit = _dt(now + int(FUTURE_TOLERANCE.total_seconds()))
    latest = Snapshot.objects.filter(ts__lte=limit).values("token_id").annotate(last=Max("ts"))
    cutoffs = {}
    for row in latest:
        edge = min(now, int(row["last"].timestamp())) - days * DAY
        cutoffs[row["token_id"]] = edge - edge % HOUR
    btc_id = Token.objects.filter(symbol=BTC_SYMBOL).values_list("pk", flat=True).first()
    if btc_id in cutoffs:
        oldest = min(cutoffs.values()) - (BETA_DAYS + 1) * DAY
        cutoffs[btc_id] = min(cutoffs[btc_id], oldest - oldest % HOUR)
    return cutoffs


def _old_hours(ids: list[int], cutoffs: dict[int, int], edge: int) -> Q:
    """The hourly rows of ``ids`` that fold into days: those of the days wholly before
    ``edge`` and wholly before the token's raw cutoff. A token whose raw snapshots start at
    noon of a day older than the edge (one that stopped updating two years ago, or BTC kept
    raw for it) keeps that day's morning hourly: a daily row there would sit beside that
    day's raw snapshots, and ingest would take their quotes for compacted history."""
    day_edge = edge - edge % DAY
    by_limit: dict[int, list[int]] = {}
    for token_id in ids:
        cutoff = cutoffs.get(token_id, day_edge)
        by_limit.setdefault(min(day_edge, cutoff - cutoff % DAY), []).append(token_id)
    old = Q(pk__in=[])
    for limit, token_ids in by_limit.items():
        old |= Q(token_id__in=token_ids, interval="1h", bucket__lt=_dt(limit))
    return old


def snapshots_compact(
    *, now: datetime | None = None, raw_days: int | None = None, hourly_days: int | None = None
) -> CompactResult:
    """Fold old raw snapshots into hourly rows and old hourly rows into daily rows."""
    raw_days = settings.RAW_RETENTION_DAYS if raw_days is None else raw_days
    hourly_days = settings.HOURLY_RETENTION_DAYS if hourly_days is None else hourly_days
    stamp = int((now or timezone.now()).timestamp())
    totals = [0, 0, 0, 0]
    all_ids = list(Token.objects.order_by("pk").values_list("pk", flat=True))
    with market_data_lease(purpose="compaction"):
        all_cutoffs = _raw_cutoffs(stamp, raw_days)
        for start in range(0, len(all_ids), TOKENS_PER_PASS):
            ids = all_ids[start : start + TOKENS_PER_PASS]
            with transaction.atomic():
                cutoffs = {i: all_cutoffs[i] for i in ids if i in all_cutoffs}
                old = Q(pk__in=[])
                for token_id, cutoff in cutoffs.items():
                    old |= Q(token_id=token_id, ts__lt=_dt(cutoff))
                folded, written = _fold_pass(
                    old, Snapshot.objects.all(), _raw_rows, HOUR, "1h"
                ) if cutoffs else (0, 0)  # fmt: skip
                old_hours = _old_hours(ids, cutoffs, stamp - hourly_days * DAY)
                h_folded, d_written = _fold_pass(
                    old_hours, SnapshotCompact.objects.all(), _compact_rows, DAY, "1d"
                )
            for i, value in enumerate((folded, written, h_folded, d_written)):
                totals[i] += value
    result = CompactResult(*totals)
    logger.info(
        "compaction: %d raw snapshots folded into %d hourly rows, "
        "%d hourly rows folded into %d daily rows",
        result.raw_folded, result.hourly_rows, result.hourly_folded, result.daily_rows,
    )  # fmt: skip
    return result
