"""Offline provider: continues the bundled demo episode with a seeded random walk."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
from django.utils import timezone

from markets.models import TokenMetrics

from .base import ProviderResult, TokenRef, quote_check_logged

HOURLY_VOLATILITY = 0.006


def _rng(symbol: str, ts: int) -> np.random.Generator:
    return np.random.default_rng([zlib.crc32(symbol.encode()), ts])


class DemoProvider:
    """Each quote moves the last stored price by a step that depends only on (symbol, time),
    so two refreshes in the same minute agree and the walk is reproducible."""

    name = "demo"

    def fetch_latest(self, tokens: Sequence[TokenRef]) -> ProviderResult:
        now = int(timezone.now().timestamp())
        ts = now - now % 60
        last = {
            m["token_id"]: m
            for m in TokenMetrics.objects.filter(token_id__in=[t.id for t in tokens]).values(
                "token_id", "as_of", "price_usd", "market_cap_usd", "volume_24h_usd"
            )
        }
        result = ProviderResult()
        for token in tokens:
            prev = last.get(token.id)
            if prev is None:
                result.errors.append(f"{token.symbol}: no demo history to continue")
                continue
            if prev["as_of"].timestamp() >= ts:
                continue  # already quoted this minute: a repeat adds nothing
            hours = max((ts - prev["as_of"].timestamp()) / 3600, 1 / 60)
            step = float(np.exp(_rng(token.symbol, ts).normal(0, HOURLY_VOLATILITY * hours**0.5)))
            cap = prev["market_cap_usd"]
            quote_check_logged(
                source=self.name, symbol=token.symbol, result=result, token_id=token.id, ts=ts,
                price=prev["price_usd"] * step, cap=None if cap is None else cap * step,
                volume=prev["volume_24h_usd"],
            )  # fmt: skip
        return result

    def fetch_history(self, token: TokenRef, *, start: int, end: int) -> ProviderResult:
        """Hourly points of a walk ending at the token's last known price (or 1 $)."""
        last = TokenMetrics.objects.filter(token_id=token.id).values_list("price_usd", flat=True)
        end_price = last.first() or 1.0
        hours = np.arange(end - end % 3600, start - 1, -3600, dtype=np.int64)
        steps = _rng(token.symbol, int(hours[-1])).normal(0, HOURLY_VOLATILITY, len(hours))
        prices = end_price * np.exp(np.concatenate([[0.0], np.cumsum(steps[1:])]))
        result = ProviderResult()
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
