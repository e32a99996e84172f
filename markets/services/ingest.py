"""Bulk, idempotent storage of quotes: the only way snapshots are written."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery

from core.pg_copy import copy_in, rows_empty, timestamps_to_pg
from markets.models import Snapshot, SnapshotCompact, Token
from markets.providers.base import (
    MAX_CAP_OR_VOLUME_USD,
    MAX_EPOCH,
    MAX_PRICE_USD,
    MIN_AMOUNT_USD,
    MIN_EPOCH,
    Quote,
)
from markets.services.bulk_load import token_keys_checked_once

logger = logging.getLogger(__name__)

BATCH_SIZE = 5_000
DIRECT_COPY_MIN_ROWS = 10_000  # below this the overlap probe is not worth it
TABLE = Snapshot._meta.db_table


@dataclass(frozen=True, slots=True)
class QuoteColumns:
    """Quotes as columns, so validation and storage work on whole arrays at once."""

    token_id: np.ndarray  # int64
    ts: np.ndarray  # int64 epoch seconds
    price_usd: np.ndarray  # float64
    market_cap_usd: np.ndarray  # float64, NaN = unknown
    volume_24h_usd: np.ndarray  # float64, NaN = unknown

    def __len__(self) -> int:
        return len(self.token_id)

    @classmethod
    def from_quotes(cls, quotes: Sequence[Quote]) -> QuoteColumns:
        nan = float("nan")
        return cls(
            token_id=np.fromiter((q.token_id for q in quotes), np.int64, len(quotes)),
            ts=np.fromiter((q.ts for q in quotes), np.int64, len(quotes)),
            price_usd=np.fromiter((q.price_usd for q in quotes), np.float64, len(quotes)),
            market_cap_usd=np.fromiter(
                (nan if q.market_cap_usd is None else q.market_cap_usd for q in quotes),
                np.float64,
                len(quotes),
            ),
            volume_24h_usd=np.fromiter(
                (nan if q.volume_24h_usd is None else q.volume_24h_usd for q in quotes),
                np.float64,
                len(quotes),
            ),
        )

    def take(self, mask: np.ndarray) -> QuoteColumns:
        return QuoteColumns(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))


@dataclass(frozen=True, slots=True)
class IngestResult:
    received: int
    stored: int  # inserted or changed rows; a re-sent identical quote is not counted
    rejected: int
    token_ids: frozenset[int]
    ts_min: int | None = None  # time span of the stored quotes (epoch seconds)
    ts_max: int | None = None
    # The stored quotes, when a big batch found no snapshot of any source in the hours it
    # spans: their hourly closes are then the batch's own (see hourly_bulk).
    fresh_batch: QuoteColumns | None = None
    # Quotes not stored because retention had already compacted their hour or day.
    compacted: int = 0


def quotes_valid_mask(columns: QuoteColumns) -> np.ndarray:
    """Rows that may be stored: finite positive price, sane optional amounts, sane time."""
    price, cap, vol = columns.price_usd, columns.market_cap_usd, columns.volume_24h_usd
    ok = np.isfinite(price) & (price >= MIN_AMOUNT_USD) & (price <= MAX_PRICE_USD)
    for amounts in (cap, vol):
        known = ~np.isnan(amounts)
        sane = (amounts == 0) | (amounts >= MIN_AMOUNT_USD)
        ok &= ~known | (np.isfinite(amounts) & sane & (amounts <= MAX_CAP_OR_VOLUME_USD))
    ok &= (columns.ts >= MIN_EPOCH) & (columns.ts < MAX_EPOCH)
    return ok


def snapshot_ingest(*, quotes: Sequence[Quote] | QuoteColumns, source: str) -> IngestResult:
    """Upsert quotes as snapshots of ``source``; the same quote twice updates one row."""
    columns = quotes if isinstance(quotes, QuoteColumns) else QuoteColumns.from_quotes(quotes)
    valid = quotes_valid_mask(columns)
    rejected = int((~valid).sum())
    if rejected:
        logger.warning("ingest %s: rejected %d invalid quotes", source, rejected)
    good = _dedupe(columns.take(valid) if rejected else columns)
    # -0.0 + 0.0 is 0.0: a cap or volume of "-0" is stored as 0.
    good = replace(good, market_cap_usd=good.market_cap_usd + 0.0,
                   volume_24h_usd=good.volume_24h_usd + 0.0)  # fmt: skip
    frozen = _compacted_mask(good)
    compacted = int(frozen.sum())
    if compacted:
        logger.info("ingest %s: %d quotes fall in compacted hours, not stored", source, compacted)
        good = good.take(~frozen)
    if len(good) == 0:
        return IngestResult(len(columns), 0, rejected, frozenset(), compacted=compacted)
    fresh = False
    with transaction.atomic():
        if connection.vendor == "postgresql":
            stored, fresh = _upsert_postgresql(good, source)
        else:
            stored = _upsert_generic(good, source)
    token_ids = frozenset(np.unique(good.token_id).tolist())
    ts_min, ts_max = int(good.ts.min()), int(good.ts.max())
    return IngestResult(
        len(columns), stored, rejected, token_ids, ts_min, ts_max, good if fresh else None,
        compacted,
    )  # fmt: skip


_COMPACT_WIDTH = {SnapshotCompact.Interval.HOUR: 3_600, SnapshotCompact.Interval.DAY: 86_400}


def _compacted_mask(columns: QuoteColumns) -> np.ndarray:
    """Quotes falling in an hour (or day) that retention has already compacted: that history
    is final (a re-import or backfill would otherwise be counted twice in its buckets).

    One query of index probes (each token's last compacted hour and day); a second one, for
    the compacted buckets the quotes span, only when some quote is older than those."""
    if len(columns) == 0:
        return np.zeros(0, dtype=bool)
    ids = np.unique(columns.token_id)

    def last_bucket(kind: str) -> Subquery:
        rows = SnapshotCompact.objects.filter(token=OuterRef("pk"), interval=kind)
        return Subquery(rows.order_by("-bucket").values("bucket")[:1])

    rows = Token.objects.filter(pk__in=ids.tolist()).annotate(
        last_hour=last_bucket(SnapshotCompact.Interval.HOUR),
        last_day=last_bucket(SnapshotCompact.Interval.DAY),
    )
    ends = dict.fromkeys(ids.tolist(), 0)
    for pk, hour, day in rows.values_list("pk", "last_hour", "last_day"):
        ends[pk] = max(
            int(hour.timestamp()) + 3_600 if hour else 0,
            int(day.timestamp()) + 86_400 if day else 0,
        )
    frozen_until = np.array([ends[i] for i in ids.tolist()], dtype=np.int64)
    suspect = columns.ts < frozen_until[np.searchsorted(ids, columns.token_id)]
    if not suspect.any():
        return suspect
    return _compacted_buckets_hit(columns, suspect)


def _compacted_buckets_hit(columns: QuoteColumns, suspect: np.ndarray) -> np.ndarray:
    """Which ``suspect`` quotes have a compacted row for their hour or day (one query)."""
    tokens, ts = columns.token_id[suspect], columns.ts[suspect]
    lo, hi = int(ts.min()), int(ts.max())
    found = SnapshotCompact.objects.filter(
        token_id__in=np.unique(tokens).tolist(),
        interval__in=list(_COMPACT_WIDTH),
        bucket__gte=datetime.fromtimestamp(lo - lo % 86_400, UTC),
        bucket__lte=datetime.fromtimestamp(hi, UTC),
    ).values_list("token_id", "interval", "bucket")
    keys = {kind: [] for kind in _COMPACT_WIDTH}
    for token_id, kind, bucket in found.iterator(chunk_size=10_000):
        keys[kind].append((token_id << 32) | int(bucket.timestamp()))
    hit = np.zeros(len(tokens), dtype=bool)
    for kind, width in _COMPACT_WIDTH.items():
        if keys[kind]:
            hit |= np.isin((tokens << 32) | (ts - ts % width), np.array(keys[kind], np.int64))
    mask = np.zeros(len(columns), dtype=bool)
    mask[suspect] = hit
    return mask


def _dedupe(columns: QuoteColumns) -> QuoteColumns:
    """One row per (token, ts), the last one sent winning; rows come out in key order."""
    keys = (columns.token_id << 32) | columns.ts
    if np.all(keys[:-1] < keys[1:]):  # already in key order, one row per key: no sort
        return columns
    _, last_from_end = np.unique(keys[::-1], return_index=True)
    return columns.take(len(keys) - 1 - last_from_end)


_CHANGED = (
    "{t}.price_usd IS DISTINCT FROM excluded.price_usd"
    " OR {t}.market_cap_usd IS DISTINCT FROM excluded.market_cap_usd"
    " OR {t}.volume_24h_usd IS DISTINCT FROM excluded.volume_24h_usd"
)
_UPDATE = (
    "price_usd = excluded.price_usd, market_cap_usd = excluded.market_cap_usd,"
    " volume_24h_usd = excluded.volume_24h_usd"
)


def _rows(columns: QuoteColumns):
    """Plain Python rows with NaN turned into NULL (one vectorised pass per column)."""
    cap = np.where(np.isnan(columns.market_cap_usd), None, columns.market_cap_usd)
    vol = np.where(np.isnan(columns.volume_24h_usd), None, columns.volume_24h_usd)
    return zip(
        columns.token_id.tolist(),
        columns.ts.tolist(),
        columns.price_usd.tolist(),
        cap.tolist(),
        vol.tolist(),
        strict=True,
    )


_QUOTE_FIELDS = [
    ("token_id", ">i8"), ("ts", ">i8"), ("price", ">f8"), ("cap", ">f8"), ("vol", ">f8")
]  # fmt: skip


def _copy_rows(
    columns: QuoteColumns, source: bytes | None = None, *, nulls: frozenset[str] = frozenset()
) -> np.ndarray:
    """The quotes as binary COPY rows (NaN stands for NULL unless the field is in ``nulls``,
    then NULL in every row), with ``source`` if given."""
    fields = list(_QUOTE_FIELDS)
    if source is not None:
        fields.insert(2, ("source", f"S{len(source)}"))
    rows = rows_empty(fields, len(columns), nulls=nulls)
    rows["token_id"], rows["price"] = columns.token_id, columns.price_usd
    rows["ts"] = timestamps_to_pg(columns.ts)
    for name, values in (("cap", columns.market_cap_usd), ("vol", columns.volume_24h_usd)):
        if name not in nulls:
            rows[name] = values
    if source is not None:
        rows["source"] = source
    return rows


def _copy_rows_nullable(columns: QuoteColumns, source: bytes) -> list[np.ndarray]:
    """The quotes as binary COPY rows with unknown amounts (NaN) sent as NULL: one array per
    combination of unknown fields (the order of rows does not matter to a table)."""
    unknown = {"cap": np.isnan(columns.market_cap_usd), "vol": np.isnan(columns.volume_24h_usd)}
    groups = []
    for nulls in (frozenset(), frozenset({"cap"}), frozenset({"vol"}), frozenset({"cap", "vol"})):
        mask = np.ones(len(columns), dtype=bool)
        for name, is_unknown in unknown.items():
            mask &= is_unknown if name in nulls else ~is_unknown
        if mask.all():
            return [_copy_rows(columns, source, nulls=nulls)]
        if mask.any():
            groups.append(_copy_rows(columns.take(mask), source, nulls=nulls))
    return groups


def _overlaps(columns: QuoteColumns, source: str | None) -> bool:
    """Whether a stored snapshot of this source falls within a token's span of new quotes;
    with no source, whether one of any source falls within the whole hours of that span."""
    starts = np.r_[0, np.flatnonzero(np.diff(columns.token_id)) + 1]  # rows are key-sorted
    ends = np.r_[starts[1:], len(columns)] - 1
    lo, hi = columns.ts[starts], columns.ts[ends]
    if source is None:
        lo, hi = lo - lo % 3600, hi - hi % 3600 + 3599
    where = "" if source is None else " AND s.source = %s"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM unnest(%s::int8[], %s::int8[], %s::int8[])"
            f" AS r(id, lo, hi) WHERE EXISTS (SELECT 1 FROM {TABLE} s WHERE s.token_id = r.id"
            f" AND s.ts >= to_timestamp(r.lo) AND s.ts < to_timestamp(r.hi + 1){where}))",
            [columns.token_id[starts].tolist(), lo.tolist(), hi.tolist(),
             *([] if source is None else [source])],
        )  # fmt: skip
        return cursor.fetchone()[0]


def _copy_direct(columns: QuoteColumns, source: str) -> int:
    """New history (nothing stored in its span): one binary COPY into the snapshot table."""
    copy_in(
        table=TABLE,
        columns="token_id, ts, source, price_usd, market_cap_usd, volume_24h_usd",
        rows=_copy_rows_nullable(columns, source.encode()),
    )
    return len(columns)


def _upsert_postgresql(columns: QuoteColumns, source: str) -> tuple[int, bool]:
    """New history goes straight in with COPY; anything else is upserted (COPY into a
    temporary table, then one INSERT … ON CONFLICT).

    Returns (rows stored, whether a big batch's hours held no snapshot of any source)."""
    big = len(columns) >= DIRECT_COPY_MIN_ROWS
    ids = np.unique(columns.token_id).tolist()
    fresh = big and not _overlaps(columns, None)
    if big and (fresh or not _overlaps(columns, source)):
        try:
            # A savepoint: a racing writer only costs the fast path.
            with transaction.atomic(), token_keys_checked_once(token_ids=ids):
                return _copy_direct(columns, source), fresh
        except (IntegrityError, connection.Database.IntegrityError):  # COPY errors come unwrapped
            logger.info("ingest %s: a concurrent write overlapped, upserting instead", source)
            fresh = False
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS ingest_quotes ("
            " token_id bigint, ts timestamptz, price_usd float8,"
            " market_cap_usd float8, volume_24h_usd float8) ON COMMIT DELETE ROWS"
        )
        copy_in(
            table="ingest_quotes",
            columns="token_id, ts, price_usd, market_cap_usd, volume_24h_usd",
            rows=_copy_rows(columns),
        )
        with token_keys_checked_once(token_ids=ids) if big else nullcontext():
            cursor.execute(
                f"INSERT INTO {TABLE} (token_id, ts, source, price_usd, market_cap_usd,"
                " volume_24h_usd)"
                " SELECT token_id, ts, %s, price_usd, nullif(market_cap_usd, 'NaN'),"
                " nullif(volume_24h_usd, 'NaN') FROM ingest_quotes"
                f" ON CONFLICT (token_id, ts, source) DO UPDATE SET {_UPDATE}"
                f" WHERE {_CHANGED.format(t=TABLE)}",
                [source],
            )
            stored = cursor.rowcount
        cursor.execute("TRUNCATE ingest_quotes")
    return stored, fresh


def _upsert_generic(columns: QuoteColumns, source: str) -> int:
    """SQLite (development): the same upsert, sent in batches with executemany."""
    sql = (
        f"INSERT INTO {TABLE} (token_id, ts, source, price_usd, market_cap_usd, volume_24h_usd)"
        " VALUES (%s, %s, %s, %s, %s, %s)"
        f" ON CONFLICT (token_id, ts, source) DO UPDATE SET {_UPDATE}"
        f" WHERE {_CHANGED.format(t=TABLE).replace('IS DISTINCT FROM', 'IS NOT')}"
    )
    stored = 0
    ts_field = Snapshot._meta.get_field("ts")
    rows = [
        (
            tid,
            ts_field.get_db_prep_value(datetime.fromtimestamp(ts, UTC), connection),
            source,
            price,
            cap,
            vol,
        )
        for tid, ts, price, cap, vol in _rows(columns)
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])
            stored += max(cursor.rowcount, 0)
    return stored


def provider_aths_store(*, aths: dict[int, tuple[float, int]]) -> int:
    """Keep the all-time high each token's provider reports (price, epoch seconds)."""
    tokens = [
        Token(pk=tid, provider_ath_usd=price, provider_ath_at=datetime.fromtimestamp(at, UTC))
        for tid, (price, at) in sorted(aths.items())
    ]
    Token.objects.bulk_update(tokens, ["provider_ath_usd", "provider_ath_at"], batch_size=1000)
    return len(tokens)
