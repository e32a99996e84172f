"""The market clock: what "now" means for market data, and how fresh the data are.

Live prices follow the wall clock. The demo data are a reconstruction of February 2026 whose
live walk advances one demo hour per refresh (markets/providers/demo.py): in demo mode the
market's "now" is the time of the latest stored data, and freshness is judged by when the
figures were last brought up to date (wall clock), not by how long ago February was.
Wall-clock time stays for everything users do (comments, tokens, rate limits, alert expiry).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, Expression, Max, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from markets.demo_episode import DEMO_SOURCE, EPISODE_END
from markets.models import Snapshot, TokenMetrics

# How far past the market's now a quote may be dated and still count as current: a clock a
# few hours off is harmless, a mistyped year is not.
FUTURE_TOLERANCE = timedelta(days=1)


def demo_mode() -> bool:
    """The demo provider feeds the prices (the pages then say the data are a reconstruction)."""
    return settings.PRICE_PROVIDER == "demo"


def demo_clock() -> datetime | None:
    """The time of the newest demo quote (one probe of a partial index): quotes of other
    sources, such as an imported file running months ahead, do not move the demo."""
    demo = Snapshot.objects.filter(source=DEMO_SOURCE)
    return demo.aggregate(latest=Max("ts"))["latest"]


def market_now() -> datetime:
    """Wall-clock now with a live provider; in demo mode the demo clock, or without demo
    quotes the latest data time, or the episode's end before any data exist (a demo
    backfill then ends there too)."""
    if not demo_mode():
        return timezone.now()
    latest = demo_clock() or TokenMetrics.objects.aggregate(latest=Max("as_of"))["latest"]
    return latest or EPISODE_END


def market_now_expression() -> Expression:
    """market_now() as an SQL expression, for a read that filters by it in its own query."""
    if not demo_mode():
        return Value(timezone.now(), DateTimeField())
    demo = Snapshot.objects.filter(source=DEMO_SOURCE).order_by("-ts").values("ts")[:1]
    data = TokenMetrics.objects.filter(as_of__isnull=False).order_by("-as_of").values("as_of")
    return Coalesce(
        Subquery(demo), Subquery(data[:1]), Value(EPISODE_END), output_field=DateTimeField()
    )


def data_freshness(*, as_of: datetime | None, updated_at: datetime | None = None) -> dict:
    """What the freshness line shows: the data time ``as_of``, whether it is stale, and the
    moment the staleness is counted from.

    Live: data are stale when ``as_of`` is older than STALE_AFTER_SECONDS. Demo: when the
    figures were last recomputed (``updated_at``, wall clock: each refresh recomputes them)
    longer ago than that; the date is then always shown, since episode time is not today.
    """
    if as_of is None:
        return {"as_of": None, "since": None, "is_stale": False, "is_today": False}
    now = timezone.now()
    demo = demo_mode()
    since = updated_at if demo and updated_at is not None else as_of
    return {
        "as_of": as_of,
        "since": since,
        "is_stale": now - since > timedelta(seconds=settings.STALE_AFTER_SECONDS),
        "is_today": not demo and as_of.date() == now.date(),
    }
