"""Remove the demo data: the demo's snapshots and everything derived from them.

What goes: the reconstructed Fear & Greed days and every snapshot of source "demo" (seeded,
walked by the demo provider or backfilled by it); for the tokens that had some, their hourly
closes, packed day closes and compacted rows up to the demo's last hour (compacted rows keep
no source, so real history of those same hours, if any, has to be imported again), their
metrics and their lists' metrics (recomputed from what is left, or deleted when nothing is
left), and the demo provider's refresh records. Apps above markets drop what they derived on
``demo_removed``.

What stays: the tokens and curated lists. They are real coins with their real CoinGecko
ids, exactly what the live provider refreshes next, and users' watchlists, alerts and
comments point at them; staff can retire any of them in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, Max, OuterRef

from markets.demo_episode import DEMO_SOURCE
from markets.models import (
    FearGreedDaily,
    ListMetrics,
    PriceDayCloses,
    PriceHourly,
    RefreshRun,
    Snapshot,
    SnapshotCompact,
    Token,
    TokenListMembership,
    TokenMetrics,
)
from markets.services.hourly import price_hourly_refresh
from markets.services.locks import market_data_lease
from markets.services.metrics import metrics_recompute
from markets.signals import demo_removed


class NoDemoData(Exception):
    """There is no demo snapshot to remove."""


@dataclass(frozen=True)
class DemoRemoval:
    """How many rows went, by kind; ``kept`` tokens still have other prices."""

    token_ids: list[int] = field(default_factory=list)
    snapshots: int = 0
    hourly_closes: int = 0
    day_closes: int = 0
    compacted: int = 0
    token_metrics: int = 0
    list_metrics: int = 0
    refresh_runs: int = 0
    kept: list[int] = field(default_factory=list)


def demo_rows_delete(*, recompute: bool = True) -> DemoRemoval | None:
    """Delete the demo snapshots and their derived rows in the caller's transaction; None
    when there are no demo snapshots. Without ``recompute`` (a reseed recomputes anyway)
    metrics are left as they are."""
    demo = Snapshot.objects.filter(source=DEMO_SOURCE)
    lasts = dict(demo.order_by().values("token_id").annotate(last=Max("ts")).values_list(
        "token_id", "last"))  # fmt: skip
    if not lasts:
        return None
    ids, last = sorted(lasts), max(lasts.values())
    snapshots, _ = demo.delete()
    hourly, _ = PriceHourly.objects.filter(token_id__in=ids, hour__lte=last).delete()
    days, _ = PriceDayCloses.objects.filter(token_id__in=ids, day__lte=last.date()).delete()
    compacted, _ = SnapshotCompact.objects.filter(token_id__in=ids, bucket__lte=last).delete()
    priced = Exists(Snapshot.objects.filter(token=OuterRef("pk")))
    kept = list(Token.objects.filter(priced, pk__in=ids).values_list("pk", flat=True))
    # The closes of hours other sources priced too come back from their snapshots.
    price_hourly_refresh(token_ids=kept, since=0, until=int(last.timestamp()))
    runs, _ = RefreshRun.objects.filter(provider=DEMO_SOURCE).delete()
    FearGreedDaily.objects.filter(source=DEMO_SOURCE).delete()  # the reconstructed index
    removal = DemoRemoval(ids, snapshots, hourly, days, compacted, refresh_runs=runs, kept=kept)
    if not recompute:
        return removal
    gone = sorted(set(ids) - set(kept))
    token_metrics, _ = TokenMetrics.objects.filter(token_id__in=gone).delete()
    metrics_recompute(token_ids=ids)  # the kept tokens and every list holding one of ids
    member_priced = TokenListMembership.objects.filter(
        token_list=OuterRef("token_list"), token__metrics__isnull=False
    )
    lists = TokenListMembership.objects.filter(token_id__in=ids).values("token_list_id")
    list_metrics, _ = (
        ListMetrics.objects.filter(token_list_id__in=lists).exclude(Exists(member_priced)).delete()
    )
    return DemoRemoval(
        ids, snapshots, hourly, days, compacted, token_metrics, list_metrics, runs, kept
    )


def demo_remove() -> DemoRemoval:
    """Remove the demo data in one transaction, holding the market-data lease so no refresh
    writes meanwhile. ``demo_removed`` is sent inside the transaction: what other apps delete
    commits or rolls back with the rest. Raises NoDemoData when there is nothing to remove,
    LeaseBusy when a refresh, backfill or import keeps running."""
    with market_data_lease(purpose="demo removal"), transaction.atomic():
        removal = demo_rows_delete()
        if removal is None:
            raise NoDemoData("There are no demo data to remove.")
        demo_removed.send(sender=demo_remove, token_ids=removal.token_ids)
    return removal
