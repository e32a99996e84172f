"""Reads of the episode pages, API and charts; the key figures computed from stored prices.

Every figure of an episode comes from what markets stored for its window [start, end]:
hourly closes (PriceHourly) for the tokens' falls and BTC's worst day, the members' snapshot
market caps for the sector's cap (each compacted hour's closing cap where retention folded
them), FearGreedDaily for the sentiment low. A fixed number of queries whatever the number of
tokens, hours or events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import chain

import numpy as np
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from core.cache import fragment_cached
from core.times import datetime_text
from episodes.models import Episode, Event, Level, MarketFact
from markets.models import (
    FearGreedDaily,
    PriceHourly,
    Snapshot,
    SnapshotCompact,
    Token,
    TokenList,
)
from markets.selectors import token_list_public
from markets.services.metrics import BTC_SYMBOL
from markets.services.replay import lists_attach, metrics_at, tokens_attach
from markets.symbols import symbol_lookup_key

HOUR = 3600
DAY_HOURS = 24


@dataclass(frozen=True)
class Move:
    """How a series moved over the window: start to end, and its deepest fall from a peak."""

    start_value: float
    end_value: float
    change: float  # end / start - 1
    peak_value: float
    peak_at: datetime
    trough_value: float
    trough_at: datetime
    peak_to_trough: float  # trough / peak - 1, the trough after the peak (<= 0)


@dataclass(frozen=True)
class TokenMove:
    token: Token
    move: Move
    multiple_of_btc: float | None = None  # change / BTC's change, when both fell


@dataclass(frozen=True)
class ListMove:
    token_list: TokenList
    move: Move
    series: list[list[float]] = field(default_factory=list)  # [[epoch, cap], …] hourly


@dataclass(frozen=True)
class WorstDay:
    change: float  # close / close 24 h before - 1
    at: datetime  # end of the 24 hours


@dataclass(frozen=True)
class EpisodeFigures:
    tokens: list[TokenMove]  # crypto members of the episode's lists, steepest fall first
    equities: list[TokenMove]  # equity members (e.g. ai-equities)
    btc: TokenMove | None
    btc_worst_day: WorstDay | None
    btc_series: list[list[float]]  # [[epoch, close], …] hourly, for the chart
    sectors: list[ListMove]
    tokens_vs_btc: float | None  # mean crypto change / BTC change, when both fell
    fear_greed_low: FearGreedDaily | None
    facts: list[MarketFact]


# --- Episodes -------------------------------------------------------------------------------
# Everything here is public: an episode shows only its public lists (markets' rule,
# ``token_list_public``) and their active tokens; an event only the public lists and active
# tokens it concerns, and no event concerning only private lists or inactive tokens shows.


def episode_listing(*, include_unpublished: bool = False) -> QuerySet[Episode]:
    """Episodes newest first, with their public lists (two queries)."""
    episodes = Episode.objects.prefetch_related(
        Prefetch("lists", queryset=token_list_public().order_by("slug"))
    )
    return episodes if include_unpublished else episodes.filter(is_published=True)


def episode_get(*, slug: str, include_unpublished: bool = False) -> Episode:
    """One episode with its public lists; Episode.DoesNotExist when unknown or not published."""
    return episode_listing(include_unpublished=include_unpublished).get(slug=slug)


def episode_latest() -> Episode | None:
    return Episode.objects.filter(is_published=True).order_by("-end").first()


def _event_public() -> Q:
    """An event concerning a public list or an active token, or nothing in particular (one
    concerning only private lists or inactive tokens is nobody's business but staff's)."""
    lists = Event.lists.through.objects.filter(event=OuterRef("pk"))
    tokens = Event.tokens.through.objects.filter(event=OuterRef("pk"))
    return (
        Exists(lists.filter(tokenlist__in=token_list_public()))
        | Exists(tokens.filter(token__is_active=True))
        | (~Exists(lists) & ~Exists(tokens))
    )


def _events() -> QuerySet[Event]:
    """Public events with the active tokens and public lists they concern (three queries)."""
    return Event.objects.filter(_event_public()).prefetch_related(
        Prefetch("tokens", queryset=Token.objects.filter(is_active=True).order_by("symbol")),
        Prefetch("lists", queryset=token_list_public().order_by("slug")),
    )


def episode_timeline(*, episode: Episode) -> QuerySet[Event]:
    """Events inside the episode's window, in time order (three queries)."""
    return _events().filter(at__gte=episode.start, at__lte=episode.end).order_by("at", "id")


def event_listing(*, symbol: str | None = None, list_slug: str | None = None) -> QuerySet[Event]:
    """Public events in time order, optionally only those about an active token or a public
    list (directly, or through a public list the token belongs to / an active token of the
    list); a private list or an inactive token matches nothing."""
    events = _events()
    if symbol:
        token = Q(symbol=symbol_lookup_key(symbol), is_active=True)
        events = events.filter(
            Q(tokens__in=Token.objects.filter(token))
            | Q(lists__in=token_list_public(), lists__members__in=Token.objects.filter(token))
        )
    if list_slug:
        public = token_list_public().filter(slug=list_slug)
        events = events.filter(
            Q(lists__in=public) | Q(tokens__is_active=True, tokens__lists__in=public)
        )
    if symbol or list_slug:  # the joins repeat rows; ids first keeps prefetching simple
        events = _events().filter(pk__in=events.values("pk"))
    return events.order_by("at", "id")


def episode_facts(*, episode: Episode) -> list[MarketFact]:
    """The episode's facts and the unattached ones dated inside its window."""
    window = Q(episode__isnull=True, at__gte=episode.start, at__lte=episode.end)
    return list(MarketFact.objects.filter(Q(episode=episode) | window).order_by("at", "id"))


# --- Figures --------------------------------------------------------------------------------


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)


def series_move(times: np.ndarray, values: np.ndarray) -> Move | None:
    """Start-to-end change and deepest peak-to-trough fall of a series (times ascending)."""
    if len(values) < 2 or values[0] <= 0:
        return None
    running_peak = np.maximum.accumulate(values)
    depth = values / running_peak - 1.0
    trough = int(np.argmin(depth))
    peak = int(np.argmax(values[: trough + 1]))
    return Move(
        start_value=float(values[0]),
        end_value=float(values[-1]),
        change=float(values[-1] / values[0] - 1.0),
        peak_value=float(values[peak]),
        peak_at=_dt(times[peak]),
        trough_value=float(values[trough]),
        trough_at=_dt(times[trough]),
        peak_to_trough=float(depth[trough]),
    )


def worst_day(times: np.ndarray, values: np.ndarray, *, since: int) -> WorstDay | None:
    """The worst change between two hourly closes exactly 24 h apart, ending at or after
    ``since`` (the closes before it serve as references only)."""
    by_hour = dict(zip(times.tolist(), values.tolist(), strict=True))
    worst = None
    for t, close in by_hour.items():
        ref = by_hour.get(t - DAY_HOURS * HOUR)
        if t < since or not ref:
            continue
        change = close / ref - 1.0
        if worst is None or change < worst[0]:
            worst = (change, t)
    return None if worst is None else WorstDay(change=worst[0], at=_dt(worst[1]))


def _hourly_closes(token_ids: list[int], since: datetime, until: datetime) -> dict[int, tuple]:
    rows = (
        PriceHourly.objects.filter(token_id__in=token_ids, hour__gte=since, hour__lte=until)
        .order_by("token_id", "hour")
        .values_list("token_id", "hour", "close_usd")
    )
    grouped: dict[int, tuple[list, list]] = {}
    for token_id, hour, close in rows:
        times, values = grouped.setdefault(token_id, ([], []))
        times.append(_epoch(hour))
        values.append(close)
    return {pk: (np.array(t, np.int64), np.array(v)) for pk, (t, v) in grouped.items()}


def _sector_caps(lists: list[TokenList], start: datetime, end: datetime) -> dict[int, tuple]:
    """list id -> (hours, summed cap): each member's last cap of each hour, summed over the
    hours where every member with caps in the window has one (so a late start is no jump)."""
    members: dict[int, set[int]] = {tl.pk: {t.pk for t in tl.members.all()} for tl in lists}
    token_ids = set().union(*members.values()) if members else set()
    # Hours retention has compacted first (their closing cap), then the raw snapshots.
    folded = (
        SnapshotCompact.objects.filter(
            token_id__in=token_ids,
            close_at__gte=start,
            close_at__lte=end,
            market_cap_usd__isnull=False,
        )
        .order_by("close_at")
        .values_list("token_id", "close_at", "market_cap_usd")
    )
    rows = (
        Snapshot.objects.filter(token_id__in=token_ids, ts__gte=start, ts__lte=end)
        .order_by("ts", "source")  # at one instant the last source's quote, as everywhere
        .values_list("token_id", "ts", "market_cap_usd")
    )
    caps: dict[int, dict[int, float]] = {}
    for token_id, ts, cap in chain(folded, rows):
        hours, hour = caps.setdefault(token_id, {}), _epoch(ts) // HOUR * HOUR
        if cap is None:  # the hour's last snapshot has no cap: no cap that hour, as once folded
            hours.pop(hour, None)
        else:
            hours[hour] = cap  # the last of the hour wins
    out = {}
    for list_id, ids in members.items():
        present = [caps[pk] for pk in ids if caps.get(pk)]
        if not present:
            continue
        hours = sorted(set.intersection(*(set(c) for c in present)))
        if hours:
            total = [sum(c[h] for c in present) for h in hours]
            out[list_id] = (np.array(hours, np.int64), np.array(total))
    return out


def _multiple(change: float, btc_change: float | None) -> float | None:
    if btc_change is None or btc_change >= 0 or change >= 0:
        return None
    return change / btc_change


def episode_figures(*, episode: Episode) -> EpisodeFigures:
    """The key figures of the episode's window, from stored data (seven queries): of its
    public lists and their active members only, for everyone (staff included)."""
    lists = list(
        token_list_public()
        .filter(episodes=episode)
        .prefetch_related(
            Prefetch("members", queryset=Token.objects.filter(is_active=True).order_by("symbol"))
        )
        .order_by("slug")
    )
    members = {t.pk: t for tl in lists for t in tl.members.all()}
    btc = Token.objects.filter(symbol=BTC_SYMBOL).first()
    ids = [*members, *([btc.pk] if btc else [])]
    since = episode.start - timedelta(hours=DAY_HOURS)  # references for BTC's 24 h changes
    closes = _hourly_closes(ids, since, episode.end)
    start = _epoch(episode.start)

    def move_of(token: Token) -> Move | None:
        times, values = closes.get(token.pk, (np.array([], np.int64), np.array([])))
        inside = times >= start
        return series_move(times[inside], values[inside])

    btc_move = move_of(btc) if btc else None
    btc_change = btc_move.change if btc_move else None
    crypto, equities = [], []
    for token in members.values():
        if token.pk == getattr(btc, "pk", None) or (move := move_of(token)) is None:
            continue
        row = TokenMove(token, move, _multiple(move.change, btc_change))
        (equities if token.asset_class == Token.AssetClass.EQUITY else crypto).append(row)
    crypto.sort(key=lambda row: row.move.change)
    equities.sort(key=lambda row: row.move.change)
    mean = float(np.mean([row.move.change for row in crypto])) if crypto else None
    btc_times, btc_values = closes.get(getattr(btc, "pk", None), (np.array([]), np.array([])))
    inside = btc_times >= start
    sectors = []
    caps_by_list = _sector_caps(lists, episode.start, episode.end)
    for token_list in lists:
        caps = caps_by_list.get(token_list.pk)
        if caps is not None and (move := series_move(*caps)) is not None:
            series = [[int(t), round(float(v), 2)] for t, v in zip(*caps, strict=True)]
            sectors.append(ListMove(token_list, move, series))
    fear_low = (
        FearGreedDaily.objects.filter(day__gte=episode.start.date(), day__lte=episode.end.date())
        .order_by("value", "day")
        .first()
    )
    return EpisodeFigures(
        tokens=crypto,
        equities=equities,
        btc=TokenMove(btc, btc_move) if btc_move else None,
        btc_worst_day=worst_day(btc_times, btc_values, since=start) if btc else None,
        btc_series=[
            [int(t), float(v)] for t, v in zip(btc_times[inside], btc_values[inside], strict=True)
        ],
        sectors=sectors,
        tokens_vs_btc=_multiple(mean, btc_change) if mean is not None else None,
        fear_greed_low=fear_low,
        facts=episode_facts(episode=episode),
    )


# --- Chart annotations (registered in core/charts.py) ---------------------------------------


def _events_about(kind: str, obj) -> Q | None:
    """Through public lists and active tokens only (the chart's own subject is public)."""
    public = token_list_public()
    if kind == "token":
        return Q(tokens=obj) | Q(lists__in=public, lists__memberships__token=obj)
    if kind == "list":
        return Q(lists=obj) | Q(tokens__is_active=True, tokens__memberships__token_list=obj)
    if kind == "watchlist":  # the watchlist's tokens, directly or through their lists
        return Q(tokens__watchlist_items__watchlist=obj) | Q(
            lists__in=public, lists__memberships__token__watchlist_items__watchlist=obj
        )
    return None


def chart_annotations_provide(*, kind: str, obj, start: datetime, end: datetime) -> dict:
    """Public events about the chart's subject in [start, end] as markers (one query); on a
    token's price chart, its levels as bands (one more)."""
    about = _events_about(kind, obj)
    if about is None or obj is None:
        return {}
    matching = Event.objects.filter(about, at__gte=start, at__lte=end).values("pk")
    events = Event.objects.filter(_event_public(), pk__in=matching).order_by("at", "id")
    markers = [
        {"id": f"event-{event.pk}", "time": _epoch(event.at), "when": datetime_text(event.at),
         "title": event.display_title, "url": event.url}
        for event in events.only("pk", "at", "title", "title_fr", "url")
    ]  # fmt: skip
    bands = []
    if kind == "token":
        levels = Level.objects.filter(token=obj).order_by("low")
        bands = [{"low": lv.low, "high": lv.high, "label": lv.display_label} for lv in levels]
    return {"markers": markers, "bands": bands}


# --- Replay board ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayBoard:
    """The episode's market at one hour of its window, from markets' replayed metrics."""

    at: datetime
    token_list: TokenList | None  # the episode's first list, with its metrics at ``at``
    tokens: list[Token]  # its active members and BTC, each with ``metrics`` at ``at``


def episode_board_at(*, episode: Episode, at: datetime) -> ReplayBoard:
    """Every figure comes from ``markets.services.replay.metrics_at`` (the metrics code run
    over the history up to ``at``): a fixed number of queries, cached per hour."""
    token_list = next(iter(episode.lists.all()), None)  # public ones, prefetched by episode_get
    members = Q(symbol=BTC_SYMBOL)
    if token_list is not None:
        members |= Q(memberships__token_list=token_list, is_active=True)
    tokens = list(Token.objects.filter(members).distinct().order_by("symbol"))
    replay = metrics_at(
        at=at, token_ids=[t.pk for t in tokens], list_ids=[token_list.pk] if token_list else []
    )
    tokens_attach(tokens, replay)
    if token_list is not None:
        lists_attach([token_list], replay)
    btc_last = sorted(tokens, key=lambda t: t.symbol == BTC_SYMBOL)
    return ReplayBoard(at=at, token_list=token_list, tokens=btc_last)


def episode_figures_cached(*, episode: Episode) -> EpisodeFigures:
    """episode_figures built once per data version (it reads every hourly close of the
    window; new prices and any episode, event or fact change bump the version): the page and
    the API share the copy."""
    return fragment_cached(
        "episode-figures", episode.pk, build=lambda: episode_figures(episode=episode)
    )
