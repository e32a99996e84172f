"""The caps a list's cap series carries into its first hours from before its members' windows.

The series sums each member's last known cap at every hour of the 90 days before the list's
latest quote, but a member's history is loaded only from 90 days before its own latest
snapshot: a member quoted every few days, or one whose caps stopped for a while, has its last
known cap for the first hours before that. Read here for those members only, raw or
compacted (retention keeps 100 days raw), in one query of index probes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.db.models import Case, DateTimeField, Exists, OuterRef, Subquery, Value, When

from markets.metrics_math import Series, cap_series_compute, cap_series_start
from markets.models import Snapshot, SnapshotCompact, Token


def series_cap_unknown(*, series: Series, moment: int) -> bool:
    """Whether the series knows no cap at ``moment`` (epoch seconds) from its own quotes."""
    stop = int(np.searchsorted(series.t, moment, side="right"))
    caps = series.cap if series.cap_ff is None else series.cap_ff
    return bool(np.isnan(caps[:stop]).all())


def token_caps_before(*, firsts: dict[int, int]) -> dict[int, float]:
    """token id -> its last known cap before ``firsts[token id]`` (epoch seconds), where any."""
    if not firsts:
        return {}
    bound = Case(
        *[When(pk=tid, then=Value(datetime.fromtimestamp(t, UTC))) for tid, t in firsts.items()],
        output_field=DateTimeField(),
    )
    # One quote per instant, as the series reads: a cap quoted by a source that another one,
    # later in name order, quoted without a cap at the same second is not a known cap.
    outranked = Snapshot.objects.filter(
        token=OuterRef("token"), ts=OuterRef("ts"), source__gt=OuterRef("source")
    )
    raw = (
        Snapshot.objects.filter(
            token=OuterRef("pk"), ts__lt=OuterRef("bound"), market_cap_usd__isnull=False
        )
        .exclude(Exists(outranked))
        .order_by("-ts")
    )
    folded = SnapshotCompact.objects.filter(
        token=OuterRef("pk"), close_at__lt=OuterRef("bound"), market_cap_usd__isnull=False
    ).order_by("-close_at")
    rows = (
        Token.objects.filter(pk__in=list(firsts))
        .annotate(bound=bound)
        .annotate(
            raw_at=Subquery(raw.values("ts")[:1]),
            raw_cap=Subquery(raw.values("market_cap_usd")[:1]),
            folded_at=Subquery(folded.values("close_at")[:1]),
            folded_cap=Subquery(folded.values("market_cap_usd")[:1]),
        )
        .values_list("pk", "raw_at", "raw_cap", "folded_at", "folded_cap")
    )
    out = {}
    for token_id, raw_at, raw_cap, folded_at, folded_cap in rows:
        if raw_at is not None and (folded_at is None or raw_at >= folded_at):
            out[token_id] = raw_cap
        elif folded_at is not None:
            out[token_id] = folded_cap
    return out


def list_cap_series(
    *, member_ids: dict[int, list[int]], ends: dict[int, int], series: dict[int, Series]
) -> dict[int, list]:
    """list id -> its cap series (``ends``: the lists' as_of), with the caps carried in for the
    members whose window starts without one (one query for all the lists)."""
    firsts = {
        tid: int(series[tid].t[0])
        for lid, ids in member_ids.items()
        for tid in ids
        if series_cap_unknown(series=series[tid], moment=cap_series_start(ends[lid]))
    }
    carried = token_caps_before(firsts=firsts)
    return {
        lid: cap_series_compute(
            [series[tid] for tid in ids], end=ends[lid], carried=[carried.get(tid) for tid in ids]
        )
        for lid, ids in member_ids.items()
    }
