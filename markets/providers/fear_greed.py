"""The crypto Fear & Greed index from alternative.me (free, no key).

``/fng/?limit=N&format=json`` answers ``{"name": ..., "data": [{"value": "25",
"value_classification": "Extreme Fear", "timestamp": "1770336000", ...}], "metadata":
{"error": null}}``: values and timestamps are strings, newest first; ``limit=0`` gives the
whole history (since February 2018). A non-null ``metadata.error`` is a fault.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from time import sleep as _sleep
from typing import Any

import httpx
from django.conf import settings

from .base import MAX_EPOCH, MIN_EPOCH, ProviderError
from .http import HttpSource

logger = logging.getLogger(__name__)

URL = "https://api.alternative.me/fng/"
SOURCE = "alternative.me"
# alternative.me's bands, used when a row comes without its classification.
BANDS = [(24, "Extreme Fear"), (46, "Fear"), (54, "Neutral"), (75, "Greed"), (100, "Extreme Greed")]


def classification_for(value: int) -> str:
    return next(label for top, label in BANDS if value <= top)


@dataclass(frozen=True, slots=True)
class FearGreedPoint:
    day: date  # the UTC day of the value's timestamp
    value: int  # 0-100
    classification: str


@dataclass(slots=True)
class FearGreedResult:
    points: list[FearGreedPoint] = field(default_factory=list)
    rejected: int = 0


class FearGreedProvider:
    name = SOURCE

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_retries: int = 2,
        backoff: float = 2.0,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = _sleep,
    ) -> None:
        self._http = HttpSource(
            name=self.name, timeout=timeout, max_retries=max_retries, backoff=backoff,
            client=client, sleep=sleep,
        )  # fmt: skip

    @classmethod
    def from_settings(cls) -> FearGreedProvider:
        return cls(
            timeout=settings.FEAR_GREED_TIMEOUT_SECONDS,
            max_retries=settings.FEAR_GREED_MAX_RETRIES,
        )

    def close(self) -> None:
        self._http.close()

    def fetch(self, *, limit: int = 2) -> FearGreedResult:
        """The latest ``limit`` daily values (0: the whole history). Faults raise
        ProviderError (TransientProviderError for timeouts, 429 and 5xx)."""
        response = self._http.get(URL, {"limit": max(0, limit), "format": "json"})
        try:
            body = response.json()
        except ValueError as exc:
            raise ProviderError(f"invalid JSON: {exc}") from None
        return body_parse(body)


def body_parse(body: Any) -> FearGreedResult:
    """Validate a /fng/ answer: a faulty body raises, a faulty row is skipped and counted."""
    if not isinstance(body, dict):
        raise ProviderError(f"expected a JSON object, got {type(body).__name__}")
    metadata = body.get("metadata")
    error = metadata.get("error") if isinstance(metadata, dict) else None
    if error:
        raise ProviderError(f"alternative.me error: {str(error)[:200]}")
    rows = body.get("data")
    if not isinstance(rows, list):
        raise ProviderError("response has no 'data' list")
    result = FearGreedResult()
    by_day: dict[date, FearGreedPoint] = {}
    for row in rows:
        point, reason = point_check(row)
        if point is None:
            result.rejected += 1
            logger.warning("fear & greed: rejected row %.120r: %s", row, reason)
        else:
            by_day.setdefault(point.day, point)  # newest first: the first of a day wins
    result.points = sorted(by_day.values(), key=lambda p: p.day)
    return result


def point_check(row: object) -> tuple[FearGreedPoint | None, str | None]:
    if not isinstance(row, dict):
        return None, "not an object"
    raw_value, raw_ts = row.get("value"), row.get("timestamp")
    if raw_value is None or raw_ts is None:
        return None, "missing value or timestamp"
    try:
        value = int(str(raw_value).strip())
        epoch = int(str(raw_ts).strip())
    except ValueError:
        return None, "value or timestamp is not an integer"
    if not 0 <= value <= 100:
        return None, f"value out of range: {value}"
    if not MIN_EPOCH <= epoch < MAX_EPOCH:
        return None, f"timestamp out of range: {epoch}"
    label = row.get("value_classification")
    label = label.strip()[:32] if isinstance(label, str) and label.strip() else ""
    day = datetime.fromtimestamp(epoch, UTC).date()
    return FearGreedPoint(day, value, label or classification_for(value)), None
