"""CoinGecko price source: ``/coins/markets`` for latest quotes, ``market_chart/range`` history."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

import httpx
from django.conf import settings

from .base import (
    ProviderError,
    ProviderResult,
    TokenRef,
    TransientProviderError,
    ath_check,
    quote_check_logged,
)
from .http import HttpSource

logger = logging.getLogger(__name__)

Plan = Literal["demo", "pro"]
BASE_URLS: dict[str, str] = {
    "demo": "https://api.coingecko.com/api/v3",
    "pro": "https://pro-api.coingecko.com/api/v3",
}
KEY_HEADERS: dict[str, str] = {"demo": "x-cg-demo-api-key", "pro": "x-cg-pro-api-key"}
BATCH_SIZE = 250  # the most ids /coins/markets returns on one page


class CoinGeckoProvider:
    name = "coingecko"

    def __init__(
        self,
        *,
        api_key: str,
        plan: Plan,
        timeout: float,
        max_retries: int,
        backoff: float,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if plan not in BASE_URLS:
            raise ValueError(f"unknown CoinGecko plan {plan!r}; expected 'demo' or 'pro'")
        self._base_url = BASE_URLS[plan]
        headers = {"accept": "application/json"}
        if api_key:  # the keyless public API rejects an empty key header
            headers[KEY_HEADERS[plan]] = api_key
        self._http = HttpSource(
            name=self.name, timeout=timeout, max_retries=max_retries, backoff=backoff,
            client=client, sleep=sleep, headers=headers,
        )  # fmt: skip

    @classmethod
    def from_settings(cls) -> CoinGeckoProvider:
        return cls(
            api_key=settings.COINGECKO_API_KEY,
            plan=settings.COINGECKO_API_PLAN,
            timeout=settings.COINGECKO_TIMEOUT_SECONDS,
            max_retries=settings.COINGECKO_MAX_RETRIES,
            backoff=settings.COINGECKO_BACKOFF_SECONDS,
        )

    def close(self) -> None:
        self._http.close()

    # Latest quotes

    def fetch_latest(self, tokens: Sequence[TokenRef]) -> ProviderResult:
        result = ProviderResult()
        by_id: dict[str, list[TokenRef]] = {}
        for token in tokens:
            if token.coingecko_id:
                by_id.setdefault(token.coingecko_id, []).append(token)
            else:
                result.errors.append(f"{token.symbol}: no coingecko_id, skipped")
        ids = list(by_id)
        # Batches fail independently so one bad page does not cost the others' quotes.
        for start in range(0, len(ids), BATCH_SIZE):
            result.merge(self._fetch_batch(ids[start : start + BATCH_SIZE], by_id))
        return result

    def _fetch_batch(self, ids: list[str], by_id: dict[str, list[TokenRef]]) -> ProviderResult:
        result = ProviderResult()
        params = {
            "vs_currency": "usd",
            "ids": ",".join(ids),
            "per_page": BATCH_SIZE,
            "page": 1,
            "precision": "full",
        }
        try:
            rows = self._get_json("/coins/markets", params)
            if not isinstance(rows, list):
                raise ProviderError(f"/coins/markets: expected a list, got {type(rows).__name__}")
        except ProviderError as exc:
            logger.warning("coingecko: batch of %d ids failed: %s", len(ids), exc)
            symbols = [t.symbol for i in ids for t in by_id[i]]
            result.errors.append(f"no quotes for {_symbols_named(symbols)}: {exc}")
            result.transient = isinstance(exc, TransientProviderError)
            return result
        seen = {row_id for row in rows if (row_id := self._add_market_row(row, by_id, result))}
        if absent := [i for i in ids if i not in seen]:
            # CoinGecko leaves out ids it does not know (renamed, delisted, mistyped): said in
            # the run's record, or their tokens would stop updating without a word.
            named = ", ".join(f"{t.symbol} ({i})" for i in absent for t in by_id[i])
            logger.warning("coingecko: %d ids not in response: %s", len(absent), named)
            result.errors.append(f"not quoted by CoinGecko (unknown id?): {named}")
        return result

    def _add_market_row(
        self, row: Any, by_id: dict[str, list[TokenRef]], result: ProviderResult
    ) -> str | None:
        """Validate one /coins/markets object into ``result``; return its id if it was ours."""
        row_id = row.get("id") if isinstance(row, dict) else None
        if not isinstance(row_id, str) or row_id not in by_id:
            logger.info("coingecko: ignoring unrequested or malformed row: %.100r", row)
            return None
        quoted_at = _iso_to_epoch(row.get("last_updated"))
        ath = ath_check(row.get("ath"), _iso_to_epoch(row.get("ath_date")), quoted_at=quoted_at)
        for token in by_id[row_id]:
            stored = len(result.quotes)
            quote_check_logged(
                source=self.name,
                symbol=token.symbol,
                result=result,
                token_id=token.id,
                ts=quoted_at,
                price=row.get("current_price"),
                cap=row.get("market_cap"),
                volume=row.get("total_volume"),
            )
            # Only beside a price kept: a rejected row's ATH may postdate the stored prices.
            if ath is not None and len(result.quotes) > stored:
                result.aths[token.id] = ath
        return row_id

    # History

    def fetch_history(self, token: TokenRef, *, start: int, end: int) -> ProviderResult:
        """One request, so failures raise (the caller's task retries transient ones)."""
        if not token.coingecko_id:
            raise ProviderError(f"{token.symbol}: no coingecko_id")
        path = f"/coins/{quote(token.coingecko_id, safe='')}/market_chart/range"
        params = {"vs_currency": "usd", "from": start, "to": end, "precision": "full"}
        body = self._get_json(path, params)
        if not isinstance(body, dict) or not isinstance(body.get("prices"), list):
            raise ProviderError(f"{path}: response has no 'prices' list")
        result = ProviderResult()
        prices, bad_points = _series_by_second(body["prices"])
        if bad_points:
            result.rejected += bad_points
            logger.warning("coingecko: rejected %d malformed %s points", bad_points, token.symbol)
        caps, _ = _series_by_second(body.get("market_caps"))
        volumes, _ = _series_by_second(body.get("total_volumes"))
        for ts, price in sorted(prices.items()):
            quote_check_logged(
                source=self.name,
                symbol=token.symbol,
                result=result,
                token_id=token.id,
                ts=ts,
                price=price,
                cap=caps.get(ts),
                volume=volumes.get(ts),
            )
        return result

    # Catalogue

    def search_catalogue(self, query: str) -> list:
        """Coins whose name or symbol matches ``query`` (CoinGecko's ``/search``)."""
        from markets.providers.catalogue import entries_from_coingecko

        return entries_from_coingecko(self._get_json("/search", {"query": query}))

    def _get_json(self, path: str, params: dict[str, Any]) -> Any:
        """GET with retries; TransientProviderError once they run out, ProviderError otherwise."""
        response = self._http.get(f"{self._base_url}{path}", params, label=path)
        try:
            return response.json()
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            raise ProviderError(f"{path}: invalid JSON: {exc}") from None


NAMED_SYMBOLS = 5  # a failed batch of 250 names its first few tokens, then counts the rest


def _symbols_named(symbols: list[str]) -> str:
    """ "3 tokens (TAO, NEAR, ICP)" or "250 tokens (TAO, NEAR, ICP, RENDER, FET and 245 more)"."""
    shown = ", ".join(symbols[:NAMED_SYMBOLS])
    more = len(symbols) - NAMED_SYMBOLS
    noun = "token" if len(symbols) == 1 else "tokens"
    return f"{len(symbols)} {noun} ({shown}{f' and {more} more' if more > 0 else ''})"


def _iso_to_epoch(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:  # CoinGecko always means UTC
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def _series_by_second(points: object) -> tuple[dict[int, object], int]:
    """Map ``[[ms, value], ...]`` to {epoch seconds: value}; also count malformed points."""
    series: dict[int, object] = {}
    bad = 0
    for point in points if isinstance(points, list) else []:
        try:
            ms, value = point
            if isinstance(ms, bool):
                raise TypeError("boolean timestamp")
            series[int(ms) // 1000] = value
        except (TypeError, ValueError, OverflowError):
            bad += 1
    return series, bad


def from_settings() -> CoinGeckoProvider:
    """Registry target: Django's import_string cannot reach a classmethod."""
    return CoinGeckoProvider.from_settings()
