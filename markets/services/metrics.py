"""Recompute materialised TokenMetrics and ListMetrics from stored snapshots, set-based."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
from django.db import connection, transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from core.cache import data_version_bump
from core.pg_copy import timestamps_from_pg
from markets.metrics_math import (
    BETA_DAYS,
    DAY,
    HISTORY_SECONDS,
    Series,
    columns_concat,
    list_metrics_compute,
    token_metrics_compute,
)
from markets.models import (
    ListMetrics,
    Snapshot,
    SnapshotCompact,
    Token,
    TokenList,
    TokenListMembership,
    TokenMetrics,
)
from markets.services.cap_carry import list_cap_series
from markets.services.day_summary import POINT as DAY_POINT
from markets.services.day_summary import day_summaries_build, windows_packed_sql
from markets.services.hourly import price_hourly_refresh
from markets.services.hourly_bulk import price_closes_from_batch
from markets.services.ingest import IngestResult
from markets.services.metrics_store import token_metrics_store
from markets.signals import metrics_changed

logger = logging.getLogger(__name__)

BTC_SYMBOL = "BTC"
LIST_FIELDS = [f.name for f in ListMetrics._meta.concrete_fields if f.name != "token_list"]


def _epoch_to_dt(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _load_columns(
    token_ids: list[int], until: int | None = None, full: list[int] = ()
) -> dict[str, np.ndarray]:
    """Each token's snapshots over the 90 days before its own latest one, as columns.

    With ``until`` (epoch seconds) the history ends there: "latest" is the latest snapshot
    at or before it, and nothing later is read (the replay of a past hour). Without it, on
    PostgreSQL, inner days with a day summary are read from it, except for ``full`` tokens.
    """
    if connection.vendor == "postgresql" and until is None:
        return _packed_columns(
            windows_packed_sql(full=list(full)), [sorted(token_ids)], dtype=DAY_POINT
        )
    if connection.vendor == "postgresql":
        raw = _load_columns_postgresql(token_ids, until)
    else:
        raw = _load_columns_generic(token_ids, until)
    if until is None:  # retention keeps 100 days raw before each token's latest snapshot
        return raw
    return columns_concat(raw, _folded_stand_ins(token_ids, until))


def _folded_spans(token_ids: list[int], until: int) -> list[tuple[int, int, int]]:
    """(token id, since, until) of the compacted closes a replay needs: the part of each
    token's 90-day window older than its oldest raw snapshot (one query of index probes)."""
    cutoff = _epoch_to_dt(until)
    raw_rows = Snapshot.objects.filter(token=OuterRef("pk"))
    compact = SnapshotCompact.objects.filter(token=OuterRef("pk"), close_at__lte=cutoff)
    bounds = (
        Token.objects.filter(pk__in=token_ids)
        .annotate(
            first_raw=Subquery(raw_rows.order_by("ts").values("ts")[:1]),
            last_raw=Subquery(raw_rows.filter(ts__lte=cutoff).order_by("-ts").values("ts")[:1]),
            last_folded=Subquery(compact.order_by("-close_at").values("close_at")[:1]),
        )
        .values_list("pk", "first_raw", "last_raw", "last_folded")
    )
    spans = []
    for token_id, first_raw, last_raw, last_folded in bounds:
        if last_folded is None:
            continue
        end = int((last_raw or last_folded).timestamp())
        stop = int(last_folded.timestamp())
        if first_raw is not None:
            if int(first_raw.timestamp()) <= end - HISTORY_SECONDS:
                continue  # the whole window is raw
            stop = min(stop, int(first_raw.timestamp()) - 1)
        spans.append((token_id, end - HISTORY_SECONDS, stop))
    return spans


def _folded_stand_ins(token_ids: list[int], until: int) -> dict[str, np.ndarray]:
    """Where retention has folded a replayed window, each compacted hour's (or day's) close,
    last cap and volume stand in for the raw snapshots: the figures keep an hour's
    resolution there (the highs and lows within an hour are gone). A compacted row counts
    once its close is at or before ``until``: inside a folded hour, the previous one's."""
    return _folded_columns(_folded_spans(token_ids, until))


def _folded_columns(spans: list[tuple[int, int, int]]) -> dict[str, np.ndarray]:
    """The compacted closes (close, last cap and volume) of each (token id, since, until)
    span, epoch seconds inclusive, as columns (one query)."""
    if not spans:
        return {}
    if connection.vendor == "postgresql":
        windows = ", ".join(f"({int(i)}, {int(lo)}, {int(hi)})" for i, lo, hi in spans)
        return _packed_columns(
            f"SELECT c.token_id, {_FOLDED_PACKED} FROM {SnapshotCompact._meta.db_table} c"
            f" JOIN (VALUES {windows}) AS w(id, lo, hi) ON c.token_id = w.id"
            " AND c.close_at >= to_timestamp(w.lo) AND c.close_at <= to_timestamp(w.hi)"
            " GROUP BY c.token_id",
            [],
        )
    match = Q(pk__in=[])
    for token_id, lo, hi in spans:
        match |= Q(
            token_id=token_id, close_at__gte=_epoch_to_dt(lo), close_at__lte=_epoch_to_dt(hi)
        )
    rows = SnapshotCompact.objects.filter(match).values_list(
        "token_id", "close_at", "close_usd", "market_cap_usd", "volume_24h_usd"
    )
    return _columns_from_rows(list(rows.iterator(chunk_size=10_000)))


def _columns_from_rows(data: list[tuple]) -> dict[str, np.ndarray]:
    nan = float("nan")
    return {
        "token_id": np.fromiter((r[0] for r in data), np.int64, len(data)),
        "t": np.fromiter((int(r[1].timestamp()) for r in data), np.int64, len(data)),
        "p": np.fromiter((r[2] for r in data), np.float64, len(data)),
        "cap": np.fromiter((nan if r[3] is None else r[3] for r in data), np.float64, len(data)),
        "vol": np.fromiter((nan if r[4] is None else r[4] for r in data), np.float64, len(data)),
    }


def _load_columns_generic(token_ids: list[int], until: int | None = None) -> dict[str, np.ndarray]:
    """Any database: one read from the earliest window, then each token cut to its own."""
    snapshots = Snapshot.objects.filter(token_id__in=token_ids)
    if until is not None:
        snapshots = snapshots.filter(ts__lte=_epoch_to_dt(until))
    latest = dict(
        snapshots.values("token_id").annotate(last=Max("ts")).values_list("token_id", "last")
    )
    if not latest:
        return {}
    since = min(latest.values()).timestamp() - HISTORY_SECONDS
    rows = snapshots.filter(ts__gte=_epoch_to_dt(int(since))).order_by("token_id", "ts", "source")
    rows = rows.values_list("token_id", "ts", "price_usd", "market_cap_usd", "volume_24h_usd")
    cols = _columns_from_rows(list(rows.iterator(chunk_size=10_000)))
    ids = np.array(sorted(latest), dtype=np.int64)
    starts = np.array([int(latest[i].timestamp()) - HISTORY_SECONDS for i in ids.tolist()])
    own = cols["t"] >= starts[np.searchsorted(ids, cols["token_id"])]
    return {name: column[own] for name, column in cols.items()}


# Each token's rows packed by the database into one bytea (time as binary timestamptz,
# price, cap, volume as float8, NaN for NULL): a thousand values to fetch, not millions of
# rows, and numpy reads them in one pass. Rows come in index (time) order, so the split
# seldom has to sort.
_PACKED = (
    "string_agg(timestamptz_send({t}) || float8send({p})"
    " || float8send(coalesce({a}.market_cap_usd, 'NaN'))"
    " || float8send(coalesce({a}.volume_24h_usd, 'NaN')), ''::bytea)"
)
_SNAPSHOTS_PACKED = _PACKED.format(t="s.ts", p="s.price_usd", a="s")
_FOLDED_PACKED = _PACKED.format(t="c.close_at", p="c.close_usd", a="c")
# Rows are packed in time order, and at one instant in source order (the last source's quote
# is the one the series keeps as latest, as the buckets and compaction do): a sorted subquery,
# which the (token, ts, source) index delivers without a sort. PostgreSQL feeds an aggregate
# in its subquery's order (documented as usual, not guaranteed; string_agg(… ORDER BY) would
# sort every window on PostgreSQL 15). _series_split checks the time order and re-sorts if
# it were ever broken.
_ROWS = "SELECT ts, price_usd, market_cap_usd, volume_24h_usd"
_ROWS_ORDER = "ORDER BY ts, source"
_PACKED_ROW = np.dtype([("ts", ">i8"), ("p", ">f8"), ("cap", ">f8"), ("vol", ">f8")])
_PACKED_FETCH = 250  # tokens a chunk: 17 MB for 90 days of hourly quotes, 200 MB at 5 minutes


def _packed_chunk(rows: list[tuple[int, bytes]], dtype: np.dtype) -> dict[str, np.ndarray]:
    rows = [(token_id, packed) for token_id, packed in rows if packed]
    data = np.frombuffer(b"".join(packed for _, packed in rows), dtype)
    counts = [len(packed) // dtype.itemsize for _, packed in rows]
    return {
        "token_id": np.repeat(np.array([t for t, _ in rows], np.int64), counts),
        "t": timestamps_from_pg(data["ts"]),
        **{name: data[name].astype(np.float64) for name in dtype.names[1:]},
    }


def _packed_columns(sql: str, params: list, dtype: np.dtype = _PACKED_ROW) -> dict[str, np.ndarray]:
    """Run a SELECT of (token id, packed rows) into numpy columns, decoded a few hundred
    tokens at a time: Python never holds a copy of every token's bytes beside the columns."""
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params or None)
        while rows := cursor.fetchmany(_PACKED_FETCH):
            chunks.append(_packed_chunk(rows, dtype))
    if len(chunks) <= 1:
        return chunks[0] if chunks else _packed_chunk([], dtype)
    return {name: np.concatenate([c[name] for c in chunks]) for name in chunks[0]}


def _load_columns_postgresql(token_ids: list[int], until: int | None) -> dict[str, np.ndarray]:
    """One row per token, its window packed by the database (see _PACKED)."""
    table = Snapshot._meta.db_table
    cutoff = "" if until is None else " AND ts <= to_timestamp(%s)"
    return _packed_columns(
        f"SELECT t.id, x.packed FROM unnest(%s::int8[]) AS t(id)"
        f" CROSS JOIN LATERAL (SELECT max(ts) AS last FROM {table}"
        f" WHERE token_id = t.id{cutoff}) l"
        f" CROSS JOIN LATERAL (SELECT {_SNAPSHOTS_PACKED} AS packed FROM ({_ROWS} FROM {table}"
        f" WHERE token_id = t.id AND ts >= l.last - interval '{HISTORY_SECONDS} seconds'"
        f" AND ts <= l.last {_ROWS_ORDER}) s) x",
        [sorted(token_ids), *([] if until is None else [int(until)])],  # rows in key order
    )


def _load_range(token_id: int, *, since: int, until: int) -> dict[str, np.ndarray]:
    """One token's snapshots with since <= ts <= until (epoch seconds), as columns; where
    retention has folded them, the close of each compacted hour or day stands in."""
    if connection.vendor == "postgresql":
        table = Snapshot._meta.db_table
        cols = _packed_columns(
            f"SELECT %s, {_SNAPSHOTS_PACKED} FROM ({_ROWS} FROM {table} WHERE token_id = %s"
            f" AND ts >= to_timestamp(%s) AND ts <= to_timestamp(%s) {_ROWS_ORDER}) s"
            " HAVING count(*) > 0",
            [int(token_id), int(token_id), int(since), int(until)],
        )
    else:
        rows = (
            Snapshot.objects.filter(
                token_id=token_id, ts__gte=_epoch_to_dt(since), ts__lte=_epoch_to_dt(until)
            )
            .order_by("ts", "source")
            .values_list("token_id", "ts", "price_usd", "market_cap_usd", "volume_24h_usd")
        )
        cols = _columns_from_rows(list(rows.iterator(chunk_size=10_000)))
    return columns_concat(cols, _folded_columns([(token_id, since, until)]))


def btc_series_for(series: dict[int, Series], token_ids: list[int], btc_id: int) -> Series | None:
    """BTC over every token's own 30-day beta window, wherever those windows fall.

    BTC's recent series (loaded with the others) covers only the 90 days before BTC's own
    latest snapshot; a token that stopped updating earlier needs BTC's older closes.
    """
    ends = [int(series[tid].t[-1]) for tid in {*token_ids, btc_id} if tid in series]
    recent = series.get(btc_id)
    if not ends:
        return recent
    since = (min(ends) // DAY - BETA_DAYS) * DAY
    if recent is not None and since >= int(recent.t[-1]) - HISTORY_SECONDS:
        return recent
    loaded = _series_split(_load_range(btc_id, since=since, until=max(ends)))
    return loaded.get(btc_id)


def _in_key_order(tokens: np.ndarray, times: np.ndarray) -> bool:
    """Whether rows are already sorted by (token, time), as a stable sort would leave them."""
    same = tokens[1:] == tokens[:-1]
    return bool(np.all((tokens[1:] > tokens[:-1]) | (same & (times[1:] >= times[:-1]))))


def _series_split(cols: dict[str, np.ndarray]) -> dict[int, Series]:
    """token id -> its Series, sorted by time, from columns in any order."""
    if not cols or len(cols["t"]) == 0:
        return {}
    if not _in_key_order(cols["token_id"], cols["t"]):  # the packed read usually is
        order = np.lexsort((cols["t"], cols["token_id"]))
        cols = {k: v[order] for k, v in cols.items()}
    # One quote per instant: where sources share a second, the last one (rows of an instant
    # come in source order), so highs, lows and drawdowns read what the price reads.
    shared = (cols["token_id"][1:] == cols["token_id"][:-1]) & (cols["t"][1:] == cols["t"][:-1])
    if shared.any():
        keep = np.r_[~shared, True]
        cols = {k: v[keep] for k, v in cols.items()}
    bounds = np.flatnonzero(np.diff(cols["token_id"])) + 1
    starts, ends = np.r_[0, bounds], np.r_[bounds, len(cols["t"])]
    out = {}
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        out[int(cols["token_id"][start])] = Series(
            cols["t"][start:end], cols["p"][start:end], cols["cap"][start:end],
            cols["vol"][start:end], cols["cap_ff"][start:end] if "cap_ff" in cols else None,
        )  # fmt: skip
    return out


def series_load(
    token_ids: list[int], *, until: int | None = None, full: list[int] = ()
) -> dict[int, Series]:
    """token id -> its recent Series (90 days before its own latest snapshot), sorted; see
    _load_columns for ``full``."""
    return _series_split(_load_columns(token_ids, until, full))


def ath_load(token_ids: list[int], *, until: int | None = None) -> dict[int, tuple[float, int]]:
    """Each token's all-time high: its highest stored price (raw or compacted) and when it was
    first reached (index probes), or the provider-reported one when that is higher.

    With ``until`` only what was known then counts: prices up to it, and the provider's ATH
    only if it was reached by then.
    """
    best = Snapshot.objects.filter(token_id=OuterRef("pk")).order_by("-price_usd", "ts")
    folded = SnapshotCompact.objects.filter(token_id=OuterRef("pk")).order_by(
        "-high_usd", "high_at"
    )
    if until is not None:
        best = best.filter(ts__lte=_epoch_to_dt(until))
        folded = folded.filter(high_at__lte=_epoch_to_dt(until))
    rows = Token.objects.filter(pk__in=token_ids).annotate(
        ath=Subquery(best.values("price_usd")[:1]),
        ath_at=Subquery(best.values("ts")[:1]),
        old_ath=Subquery(folded.values("high_usd")[:1]),
        old_ath_at=Subquery(folded.values("high_at")[:1]),
    )
    out = {}
    for pk, *candidates in rows.values_list(
        "pk", "ath", "ath_at", "old_ath", "old_ath_at", "provider_ath_usd", "provider_ath_at"
    ):
        stored = [(price, at) for price, at in zip(candidates[0:4:2], candidates[1:4:2],
                                                    strict=True) if price is not None]  # fmt: skip
        if stored:
            price, at = min(stored, key=lambda pair: (-pair[0], pair[1]))
            out[pk] = (price, int(at.timestamp()))
        reported, reported_at = candidates[4], candidates[5]
        if reported is not None and until is not None:
            reported = None if reported_at is None or reported_at.timestamp() > until else reported
        if reported is not None:
            reported_ath = (reported, int(reported_at.timestamp()))
            # Higher wins; at an equal price the earlier date, when it was first reached.
            if pk not in out or (-reported_ath[0], reported_ath[1]) < (-out[pk][0], out[pk][1]):
                out[pk] = reported_ath
    return out


def list_members_load(list_ids) -> dict[int, list[int]]:
    """list id -> ordered active member ids (``list_ids``: ids or a subquery of them)."""
    members: dict[int, list[int]] = defaultdict(list)
    # Inactive tokens are no longer refreshed: their stale figures must not count.
    rows = TokenListMembership.objects.filter(
        token_list_id__in=list_ids, token__is_active=True
    ).order_by("token_list_id", "position", "id")
    for list_id, token_id in rows.values_list("token_list_id", "token_id"):
        members[list_id].append(token_id)
    return members


def _affected_lists(token_ids: list[int], list_ids: Iterable[int] = ()) -> dict[int, list[int]]:
    """list id -> ordered active member ids, for every list containing one of the tokens and
    every existing list of ``list_ids``. A list left without active members maps to [] (its
    metrics are reset to the empty state): it must not keep the totals of its former members.
    """
    held = TokenListMembership.objects.filter(token_id__in=token_ids).values("token_list_id")
    rows = (
        TokenListMembership.objects.filter(token_list_id__in=held)
        .order_by("token_list_id", "position", "id")
        .values_list("token_list_id", "token_id", "token__is_active")
    )
    lists: dict[int, list[int]] = {}
    for list_id, token_id, active in rows:
        members = lists.setdefault(list_id, [])
        if active:  # inactive tokens are no longer refreshed: their figures must not count
            members.append(token_id)
    named = set(list_ids) - lists.keys()
    if named:
        existing = list(TokenList.objects.filter(pk__in=named).values_list("pk", flat=True))
        loaded = list_members_load(existing)
        lists.update({list_id: loaded.get(list_id, []) for list_id in existing})
    return lists


def list_metrics_build(list_id: int, values: dict, now: datetime) -> ListMetrics:
    """An (unsaved) ListMetrics from the values metrics_compute gave."""
    fields = dict(values)
    if fields["as_of"] is not None:
        fields["as_of"] = _epoch_to_dt(fields["as_of"])
    return ListMetrics(token_list_id=list_id, computed_at=now, **fields)


def derived_refresh(*, ingested: IngestResult, summarise: bool = False) -> int:
    """Everything derived from snapshots, after new quotes: hourly closes, then metrics;
    with ``summarise`` (the periodic refresh) the day summaries the metrics read first."""
    if not ingested.token_ids:
        return 0
    if ingested.fresh_batch is not None:  # PostgreSQL, new history: closes from the batch
        price_closes_from_batch(quotes=ingested.fresh_batch)
    else:
        price_hourly_refresh(
            token_ids=ingested.token_ids, since=ingested.ts_min, until=ingested.ts_max
        )
    btc = list(Token.objects.filter(symbol=BTC_SYMBOL).values_list("pk", flat=True))
    if summarise:
        day_summaries_build(token_ids=sorted(ingested.token_ids), exclude=btc)
    # Every token's beta and correlation read BTC's closes: new BTC quotes (a backfill, an
    # import) change them all, not only the figures of the tokens just stored.
    return metrics_recompute(
        token_ids=None if set(btc) & ingested.token_ids else ingested.token_ids
    )


def metrics_compute(
    *, token_ids: list[int], lists: dict[int, list[int]], until: int | None = None
) -> tuple[dict[int, dict], dict[int, dict]]:
    """The metrics of these tokens and lists (list id -> member ids, all among ``token_ids``),
    as value dicts by id, from the stored history; nothing is written.

    The one computation behind both the materialised rows (``until=None``: as of each token's
    latest snapshot) and the replay of a past hour (``until``, epoch seconds: as if nothing
    after it were stored). A token without history by then has no entry.
    """
    btc_id = Token.objects.filter(symbol=BTC_SYMBOL).values_list("pk", flat=True).first()
    extra = [btc_id] if btc_id and btc_id not in token_ids else []
    series = series_load(token_ids + extra, until=until, full=[btc_id] if btc_id else [])
    aths = ath_load(token_ids, until=until)
    btc = btc_series_for(series, token_ids, btc_id) if btc_id else None
    computed = {
        tid: token_metrics_compute(series[tid], ath=aths.get(tid), btc=btc)
        for tid in token_ids
        if tid in series
    }
    return computed, _lists_compute(lists, computed, series)


def metrics_recompute(
    *, token_ids: Iterable[int] | None = None, list_ids: Iterable[int] = ()
) -> int:
    """Recompute the metrics of these tokens (default: all active ones) and of their lists,
    and of the lists ``list_ids`` (after a change of members: an emptied list is reset).

    Members of the affected lists are recomputed too, so list totals stay consistent.
    Returns the number of token metric rows written.
    """
    if token_ids is None:
        ids = list(Token.objects.filter(is_active=True).values_list("pk", flat=True))
    else:
        ids = list(set(token_ids))
    lists = _affected_lists(ids, list_ids)
    ids = sorted(set(ids).union(*lists.values()))
    computed, list_values = metrics_compute(token_ids=ids, lists=lists)
    now = timezone.now()
    with transaction.atomic():
        token_metrics_store(computed=computed, now=now)
        # A token whose snapshots are all gone has no metrics any more.
        TokenMetrics.objects.filter(token_id__in=set(ids) - computed.keys()).delete()
        ListMetrics.objects.bulk_create(
            [list_metrics_build(lid, values, now) for lid, values in list_values.items()],
            update_conflicts=True,
            unique_fields=["token_list"],
            update_fields=LIST_FIELDS,
        )
    # Cached pages and API payloads are out of date once the new rows are visible (at the
    # commit of an enclosing transaction, if any). A cache failure is logged, not raised:
    # the entries then expire after PAGE_CACHE_SECONDS.
    transaction.on_commit(data_version_bump, robust=True)
    token_ids, list_ids = sorted(computed), sorted(lists)
    transaction.on_commit(
        lambda: metrics_changed.send_robust(
            sender=metrics_recompute, token_ids=token_ids, list_ids=list_ids
        )
    )
    logger.info("recomputed metrics of %d tokens and %d lists", len(computed), len(lists))
    return len(computed)


def list_metrics_follow(*, list_ids: Iterable[int]) -> None:
    """Recompute these lists' metrics once the current transaction commits (after their
    members changed: by id, since a list just emptied has no member left to find it by)."""
    ids = sorted(set(list_ids))
    if ids:
        transaction.on_commit(lambda: metrics_recompute(token_ids=[], list_ids=ids), robust=True)


def _lists_compute(
    lists: dict[int, list[int]], computed: dict[int, dict], series: dict[int, Series]
) -> dict[int, dict]:
    out = {}
    for list_id, member_ids in lists.items():
        members = [computed[tid] for tid in member_ids if tid in computed]
        out[list_id] = list_metrics_compute(members, members_count=len(member_ids))
    dated = {lid: ids for lid, ids in lists.items() if out[lid]["as_of"] is not None}
    caps = list_cap_series(
        member_ids={lid: [tid for tid in ids if tid in series] for lid, ids in dated.items()},
        ends={lid: out[lid]["as_of"] for lid in dated},
        series=series,
    )
    for list_id, cap_series in caps.items():
        out[list_id]["cap_series"] = cap_series
    return out
