"""One GET with capped retries on transient failures, shared by every HTTP source
(CoinGecko, Stooq, alternative.me): timeouts, connection errors, 429 and 5xx are retried with
exponential backoff; anything else fails at once."""

from __future__ import annotations

import email.utils
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from .base import ProviderError, TransientProviderError

logger = logging.getLogger(__name__)

MAX_DELAY_SECONDS = 60.0  # never stall a worker longer than this between attempts


class HttpSource:
    """An httpx client with a timeout, a retry budget and an injectable sleep (for tests)."""

    def __init__(
        self,
        *,
        name: str,
        timeout: float = 10.0,
        max_retries: int = 2,
        backoff: float = 2.0,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self._headers = headers or {}
        self._timeout = timeout
        self._max_retries = max(0, max_retries)
        self._backoff = max(0.0, backoff)
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=True)
        self._sleep = sleep

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def get(self, url: str, params: dict[str, Any], *, label: str = "") -> httpx.Response:
        """A successful response; TransientProviderError once retries run out, else
        ProviderError. ``label`` (e.g. the API path) prefixes the messages."""
        prefix = f"{label}: " if label else ""
        for attempt in range(self._max_retries + 1):
            try:
                return self._send(url, params)
            except _Retryable as exc:
                if attempt == self._max_retries:
                    raise TransientProviderError(
                        f"{prefix}{exc} (gave up after {attempt + 1} attempts)"
                    ) from None
                delay = min(
                    exc.retry_after if exc.retry_after is not None else self._backoff * 2**attempt,
                    MAX_DELAY_SECONDS,
                )
                logger.info("%s: %s%s, retrying in %.1fs", self.name, prefix, exc, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _send(self, url: str, params: dict[str, Any]) -> httpx.Response:
        try:
            response = self._client.get(
                url, params=params, headers=self._headers, timeout=self._timeout
            )
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timeout ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"connection error ({type(exc).__name__}: {exc})") from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            raise ProviderError(f"request failed ({type(exc).__name__}: {exc})") from None
        status = response.status_code
        if status == 429:
            raise _Retryable("HTTP 429", retry_after=_retry_after(response))
        if status >= 500:  # a 503 (maintenance) may say when to come back, as a 429 does
            wait = _retry_after(response) if status == 503 else None
            raise _Retryable(f"HTTP {status}", retry_after=wait)
        if not response.is_success:
            raise ProviderError(f"HTTP {status}: {response.text[:200]}")
        return response


class _Retryable(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(response: httpx.Response) -> float | None:
    """The wait a 429 asks for: delay-seconds or an HTTP date (RFC 9110 allows both; a date
    already past means no wait). None when absent or unreadable (the backoff then applies)."""
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return _retry_after_date(value)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _retry_after_date(value: str) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" zones parse naive; HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
