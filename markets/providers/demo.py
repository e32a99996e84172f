"""Offline provider: continues the bundled demo episode with a seeded random walk."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from markets.clock import demo_clock
from markets.demo_episode import DEMO_SOURCE
from markets.models import RefreshRun, Snapshot, SnapshotCompact, Token, TokenMetrics

from .base import ProviderResult, TokenRef, quote_check_logged

HOURLY_VOLATILITY = 0.006
HOUR = 3600


def _rng(symbol: str, ts: int) -> np.random.Generator:
    return np.random.default_rng([zlib.crc32(symbol.encode()), ts])


def _demo_quotes():
    """The walk's own quotes: rows of other sources (an import dated years ahead) neither
    stall a token nor set the price it continues from."""
    return Snapshot.objects.filter(source=DEMO_SOURCE)


def _newest_hours() -> tuple[dict[int, int], set[int]]:
    """Active crypto token id -> epoch of its newest demo quote (one index probe per token),
    and the ids of active equities (they close daily on weekdays: not this hourly walk)."""
    newest = _demo_quotes().filter(token=OuterRef("pk")).order_by("-ts").values("ts")[:1]
    rows = Token.objects.filter(is_active=True).annotate(newest=Subquery(newest))
    hours, equities = {}, set()
    for pk, asset_class, ts in rows.values_list("pk", "asset_class", "newest"):
        if asset_class == Token.AssetClass.EQUITY:
            equities.add(pk)
        elif ts is not None:
            hours[pk] = int(ts.timestamp())
    return hours, equities


def _latest_rows(newest: dict[int, int], ids: list[int]) -> dict[int, tuple]:
    """token id -> (epoch, price, cap, volume) of its newest demo quote, for these tokens."""
    wanted = Q(pk__in=[])
    for token_id in ids:
        if token_id in newest:
            wanted |= Q(token_id=token_id, ts=datetime.fromtimestamp(newest[token_id], UTC))
    rows = (
        _demo_quotes()
        .filter(wanted)
        .values_list("token_id", "ts", "price_usd", "market_cap_usd", "volume_24h_usd")
    )
    return {pk: (int(ts.timestamp()), p, c, v) for pk, ts, p, c, v in rows}


def _oldest_point(token_id: int) -> tuple[int, float] | None:
    """(epoch, price) of the token's oldest stored price when it has demo quotes: its oldest
    demo quote, or the open of its oldest compacted hour or day (retention folds the oldest
    raw rows first); None without demo quotes."""
    first = _demo_quotes().filter(token_id=token_id).order_by("ts").values_list("ts", "price_usd")
    first = first.first()
    if first is None:
        return None
    folded = SnapshotCompact.objects.filter(token_id=token_id).order_by("bucket", "open_at")
    folded = folded.values_list("open_at", "open_usd").first()
    at, price = min(first, folded or first)
    return int(at.timestamp()), price


def _advanced_just_now() -> bool:
    """The latest demo refresh that stored quotes (since the last seed) started less than
    half a refresh interval ago: this is a repeat of it, not the next refresh."""
    ok = [RefreshRun.Status.OK, RefreshRun.Status.PARTIAL]
    advancing = Q(kind=RefreshRun.Kind.REFRESH, quotes_stored__gt=0, status__in=ok)
    last = (
        RefreshRun.objects.filter(Q(kind=RefreshRun.Kind.SEED) | advancing, provider="demo")
        .order_by("-started_at", "-pk")
        .values_list("kind", "started_at")
        .first()
    )
    if last is None or last[0] != RefreshRun.Kind.REFRESH:
        return False
    return timezone.now() - last[1] < timedelta(seconds=settings.REFRESH_INTERVAL_SECONDS / 2)


class DemoProvider:
    """The demo market clock: each refresh moves every token ONE DEMO HOUR past the latest
    demo hour (the episode ends on 6 February 2026), whatever the wall clock says.

    A step depends only on (symbol, demo hour), so a repeated quote is the same quote. A
    refresh that follows an advancing one by less than half a refresh interval (a retry, a
    duplicate delivery) does not advance again; tokens left behind the clock (another batch
    of the same fanned-out refresh, a token added later) first catch up to it.
    """

    name = "demo"

    def fetch_latest(self, tokens: Sequence[TokenRef]) -> ProviderResult:
        newest, equities = _newest_hours()
        latest = _latest_rows(newest, [t.id for t in tokens])
        result = ProviderResult()
        # The demo's own clock and each token's own newest demo quote: rows of other sources
        # running ahead (an import) neither move the clock nor hold a token where they are.
        demo_at = demo_clock()
        clock = int(demo_at.timestamp()) if demo_at else max(newest.values(), default=None)
        behind = clock is not None and any(ts < clock for ts in newest.values())
        target = (
            None if clock is None else clock if behind or _advanced_just_now() else clock + HOUR
        )
        for token in tokens:
            if token.id in equities:
                continue
            prev = latest.get(token.id)
            if prev is None:
                result.errors.append(f"{token.symbol}: no demo history to continue")
                continue
            ts, price, cap, volume = prev
            if target is None or ts >= target:
                continue  # already at this demo hour: a repeat adds nothing
            hours = (target - ts) / HOUR
            step = float(
                np.exp(_rng(token.symbol, target).normal(0, HOURLY_VOLATILITY * hours**0.5))
            )
            quote_check_logged(
                source=self.name, symbol=token.symbol, result=result, token_id=token.id,
                ts=target, price=price * step, cap=None if cap is None else cap * step,
                volume=volume,
            )  # fmt: skip
        return result

    def fetch_history(self, token: TokenRef, *, start: int, end: int) -> ProviderResult:
        """Hourly points of a walk over the hours of [start, end] before the token's history.

        Stored demo quotes (the reconstructed episode, the walk since) are never replaced: a
        token that has some gets only the hours before its oldest stored price, walking back
        from it, so backfilling a tracked token changes none of its history. A token without
        demo quotes gets a walk ending at ``end`` on its last known price (or 1 $).
        """
        oldest = _oldest_point(token.id)
        if oldest is None:
            last = TokenMetrics.objects.filter(token_id=token.id).values_list("price_usd")
            top, first_step = end, 0  # the end hour is the anchor itself
            anchor = (last.first() or (1.0,))[0]
        else:
            (at, anchor), first_step = oldest, 1  # the hour before it is one step away
            top = min(end, at - 1)
        hours = np.arange(top - top % HOUR, start - 1, -HOUR, dtype=np.int64)
        result = ProviderResult()
        if not len(hours):
            return result
        steps = _rng(token.symbol, int(hours[-1])).normal(0, HOURLY_VOLATILITY, len(hours))
        steps[0] *= first_step
        prices = anchor * np.exp(np.cumsum(steps))
        for ts, price in zip(hours.tolist(), prices.tolist(), strict=True):
            quote_check_logged(
                source=self.name, symbol=token.symbol, result=result, token_id=token.id, ts=ts,
                price=price,
            )  # fmt: skip
        return result

    def search_catalogue(self, query: str) -> list:
        """Offline: the bundled tokens whose name, symbol or CoinGecko id contains ``query``."""
        from markets.demo_episode import TOKENS
        from markets.providers.catalogue import CatalogueEntry

        needle = query.casefold()
        return [
            CatalogueEntry(t.coingecko_id, t.symbol, t.name, rank)
            for rank, t in enumerate(TOKENS, start=1)
            if needle in t.name.casefold()
            or needle in t.symbol.casefold()
            or needle in t.coingecko_id
        ]
