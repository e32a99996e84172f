"""Stooq daily equity closes (free, no key): ``/q/d/l/?s=msft.us&i=d`` answers a CSV
``Date,Open,High,Low,Close,Volume``.

Each close is stored at 21:00 UTC of its trading day (the New York close in winter, an hour
after it in summer): one fixed instant per day, so weekday-only series line up day by day.
The price is the close; the 24 h volume in USD is shares traded times the close; Stooq gives
no market cap. Faults Stooq answers with a 200 — "No data" (unknown ticker), "Exceeded the
daily hits limit", an HTML page — are told apart from a CSV by their first line.

Since 2026 Stooq answers clients without a key with an HTML page (instructions to get an
API key, or a browser check): ``STOOQ_API_KEY`` is sent as ``apikey`` when set, and an HTML
answer is a clear, non-retried error saying so.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from time import sleep as _sleep

import httpx
from django.conf import settings

from .base import (
    ProviderError,
    ProviderResult,
    TokenRef,
    TransientProviderError,
    quote_check_logged,
)
from .http import HttpSource

logger = logging.getLogger(__name__)

BASE_URL = "https://stooq.com/q/d/l/"
CLOSE_TIME_UTC = time(21, 0)
HEADER = ["Date", "Open", "High", "Low", "Close", "Volume"]
LATEST_DAYS = 10  # a refresh asks for the last two weeks: it also fills a missed day


def close_epoch(day: date) -> int:
    """The instant a trading day's close is stored at (21:00 UTC)."""
    return int(datetime.combine(day, CLOSE_TIME_UTC, tzinfo=UTC).timestamp())


class StooqProvider:
    name = "stooq"

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_retries: int = 2,
        backoff: float = 2.0,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = _sleep,
        today: Callable[[], date] | None = None,
        api_key: str = "",
    ) -> None:
        self._api_key = api_key
        self._http = HttpSource(
            name=self.name, timeout=timeout, max_retries=max_retries, backoff=backoff,
            client=client, sleep=sleep,
        )  # fmt: skip
        self._today = today or (lambda: datetime.now(UTC).date())

    @classmethod
    def from_settings(cls) -> StooqProvider:
        return cls(
            timeout=settings.STOOQ_TIMEOUT_SECONDS,
            max_retries=settings.STOOQ_MAX_RETRIES,
            backoff=settings.STOOQ_BACKOFF_SECONDS,
            api_key=settings.STOOQ_API_KEY,
        )

    def close(self) -> None:
        self._http.close()

    def fetch_latest(self, tokens: Sequence[TokenRef]) -> ProviderResult:
        """The last two weeks of closes of each token; one token failing spares the others."""
        result = ProviderResult()
        end = self._today()
        start = end - timedelta(days=LATEST_DAYS)
        for token in tokens:
            if not token.stooq_symbol:
                result.errors.append(f"{token.symbol}: no stooq_symbol, skipped")
                continue
            try:
                result.merge(self._closes(token, start, end))
            except ProviderError as exc:
                logger.warning("stooq: %s failed: %s", token.symbol, exc)
                result.errors.append(f"{token.symbol}: {exc}")
                result.transient = result.transient or isinstance(exc, TransientProviderError)
        return result

    def fetch_history(self, token: TokenRef, *, start: int, end: int) -> ProviderResult:
        """Closes of the trading days between two instants; failures raise."""
        if not token.stooq_symbol:
            raise ProviderError(f"{token.symbol}: no stooq_symbol")
        first = datetime.fromtimestamp(start, UTC).date()
        last = datetime.fromtimestamp(end, UTC).date()
        return self._closes(token, first, last)

    def _closes(self, token: TokenRef, first: date, last: date) -> ProviderResult:
        params = {
            "s": token.stooq_symbol,
            "i": "d",
            "d1": f"{first:%Y%m%d}",
            "d2": f"{last:%Y%m%d}",
        }
        if self._api_key:
            params["apikey"] = self._api_key
        response = self._http.get(BASE_URL, params)
        return csv_parse(response.text, token=token, source=self.name)


def csv_parse(text: str, *, token: TokenRef, source: str = "stooq") -> ProviderResult:
    """Validate Stooq's CSV into quotes; a bad row is skipped and counted, a bad body raises."""
    body = text.lstrip("\ufeff").strip()
    first_line = body.splitlines()[0].strip() if body else ""
    if not body or first_line.lower() == "no data":
        raise ProviderError(f"{token.stooq_symbol}: no data (unknown ticker or empty range)")
    if "exceeded the daily hits limit" in body[:200].lower():
        raise TransientProviderError("Stooq: daily hits limit exceeded; try again tomorrow")
    if first_line.startswith("<"):
        raise ProviderError(
            f"{token.stooq_symbol}: an HTML page instead of CSV (Stooq asks for an API key, "
            "STOOQ_API_KEY, or a browser check)"
        )
    rows = csv.reader(io.StringIO(body))
    header = [cell.strip() for cell in next(rows)]
    if header[:5] != HEADER[:5]:
        raise ProviderError(f"{token.stooq_symbol}: unexpected CSV header {header[:6]!r}")
    result = ProviderResult()
    for line_no, row in enumerate(rows, start=2):
        _row_add(row, line_no=line_no, token=token, source=source, result=result)
    return result


def _row_add(
    row: list[str], *, line_no: int, token: TokenRef, source: str, result: ProviderResult
) -> None:
    if not row or not any(cell.strip() for cell in row):
        return
    try:
        day = date.fromisoformat(row[0].strip())
        close = row[4].strip()
    except (IndexError, ValueError):
        result.rejected += 1
        logger.warning("%s: rejected %s line %d: %.80r", source, token.symbol, line_no, row)
        return
    volume = _dollar_volume(row[5] if len(row) > 5 else "", close)
    if day.weekday() >= 5:  # Stooq has no weekend sessions; one would be a data error
        result.rejected += 1
        logger.warning("%s: rejected %s line %d: weekend date %s", source, token.symbol,
                       line_no, day)  # fmt: skip
        return
    quote_check_logged(
        source=source, symbol=token.symbol, result=result, token_id=token.id,
        ts=close_epoch(day), price=close, volume=volume,
    )  # fmt: skip


def _dollar_volume(shares: str, close: str) -> float | None:
    """Shares traded times the close; an unreadable volume is just unknown (None)."""
    try:
        value = float(shares) * float(close)
    except ValueError:
        return None
    return value if value == value else None  # NaN -> unknown
