"""The interface every price source implements, and the row validation they all share."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

logger = logging.getLogger(__name__)

# Values beyond these are data errors, not prices (BTC would be 100 trillion dollars a coin).
MAX_PRICE_USD = 1e9
MAX_CAP_OR_VOLUME_USD = 1e14
# A price, cap or volume above zero but below this is a data error too: 1e-320 (a subnormal)
# was stored, and dividing by it (a change, a turnover) gave inf, which JSON cannot carry.
# From here every ratio of two stored amounts stays finite (at most 1e14 / 1e-18).
MIN_AMOUNT_USD = 1e-18
MIN_EPOCH = 631_152_000  # 1990-01-01: equity histories start before Bitcoin
MAX_EPOCH = 4_102_444_800  # 2100-01-01


class ProviderError(Exception):
    """The source answered with something unusable; retrying will not help."""


class TransientProviderError(ProviderError):
    """Timeout, connection error, 429 or 5xx: worth retrying later."""


@dataclass(frozen=True, slots=True)
class TokenRef:
    id: int
    symbol: str
    coingecko_id: str = ""
    stooq_symbol: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    token_id: int
    ts: int  # epoch seconds, UTC
    price_usd: float
    market_cap_usd: float | None = None
    volume_24h_usd: float | None = None


@dataclass(slots=True)
class ProviderResult:
    quotes: list[Quote] = field(default_factory=list)
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    transient: bool = False  # at least one failure was transient (worth a retry)
    # token id -> (price, epoch seconds) of the all-time high the provider reports
    aths: dict[int, tuple[float, int]] = field(default_factory=dict)

    def merge(self, other: ProviderResult) -> None:
        self.quotes.extend(other.quotes)
        self.aths.update(other.aths)
        self.rejected += other.rejected
        self.errors.extend(other.errors)
        self.transient = self.transient or other.transient


class PriceProvider(Protocol):
    name: str

    def fetch_latest(self, tokens: Sequence[TokenRef]) -> ProviderResult: ...

    def fetch_history(self, token: TokenRef, *, start: int, end: int) -> ProviderResult: ...


def _optional_amount(value: object) -> tuple[float | None, str | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):  # float(True) is 1.0: a JSON true is not an amount
        return None, f"not a number: {value!r}"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None, f"not a number: {value!r}"
    if math.isnan(number) or math.isinf(number):
        return None, f"not a finite number: {value!r}"
    if number < 0:
        return None, f"negative: {value!r}"
    if 0 < number < MIN_AMOUNT_USD:
        return None, f"absurdly small: {value!r}"
    if number > MAX_CAP_OR_VOLUME_USD:
        return None, f"absurdly large: {value!r}"
    return number, None


def quote_check(
    *, token_id: int, ts: object, price: object, cap: object = None, volume: object = None
) -> tuple[Quote | None, str | None]:
    """Build a Quote from raw values, or say why the row cannot be stored."""
    try:
        epoch = int(ts)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None, f"bad timestamp: {ts!r}"
    if not MIN_EPOCH <= epoch < MAX_EPOCH:
        return None, f"timestamp out of range: {ts!r}"
    if price is None or price == "":
        return None, "missing price"
    if isinstance(price, bool):
        return None, f"price is not a number: {price!r}"
    try:
        price_f = float(price)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None, f"price is not a number: {price!r}"
    if not math.isfinite(price_f) or price_f <= 0:
        return None, f"price must be a positive number: {price!r}"
    if price_f > MAX_PRICE_USD:
        return None, f"price absurdly large: {price!r}"
    if price_f < MIN_AMOUNT_USD:
        return None, f"price absurdly small: {price!r}"
    cap_f, cap_error = _optional_amount(cap)
    if cap_error:
        return None, f"market cap {cap_error}"
    volume_f, volume_error = _optional_amount(volume)
    if volume_error:
        return None, f"volume {volume_error}"
    return Quote(token_id, epoch, price_f, cap_f, volume_f), None


def ath_check(price: object, at: int | None, *, quoted_at: int | None) -> tuple[float, int] | None:
    """A provider-reported all-time high, or None when it is missing or not believable: one
    dated after the provider's own quote (``quoted_at``, None when it has none) has not
    happened yet."""
    quote, _ = quote_check(token_id=0, ts=at, price=price)
    if quote is None or quoted_at is None or quote.ts > quoted_at:
        return None
    return quote.price_usd, quote.ts


def quote_check_logged(*, source: str, symbol: str, result: ProviderResult, **values) -> None:
    """Validate one row into ``result``: keep it, or count and log the rejection."""
    quote, reason = quote_check(**values)
    if quote is None:
        result.rejected += 1
        logger.warning("%s: rejected %s row: %s", source, symbol, reason)
    else:
        result.quotes.append(quote)
