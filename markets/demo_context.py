"""The context of the demo episode, reconstructed like the rest (not market data).

AI equities: a daily close each weekday at 21:00 UTC, bent through anchors so that over the
five sessions ending at the episode's last close Microsoft loses 8.2 % ("plus de 8 % en cinq
jours"), Nvidia 10 % and AMD 18.5 % ("-10 % et -18,5 % sur la même période"); Alphabet,
Amazon and Meta fall less (plausible, not from the article). Each peaks in the autumn, well
before the crash. Fear & Greed: one value a day, fear since the autumn, down to a low of 8 on
the day of Bitcoin's plunge (the article: levels unseen since Terra/Luna in 2022).

Everything derives from the episode's ``end``, never from the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from markets.demo_episode import HOURS, SEED, TOKENS
from markets.metrics_math import HOUR
from markets.providers.fear_greed import classification_for
from markets.providers.stooq import CLOSE_TIME_UTC, close_epoch

CRASH_SESSIONS = 5  # the article's "five days"


@dataclass(frozen=True)
class DemoEquity:
    symbol: str
    last: float  # the episode's last close
    crash_change: float  # over the last CRASH_SESSIONS sessions
    peak: float
    peak_sessions_before: int
    first: float  # the close ~150 days before the end
    shares_traded: float  # a typical day's volume, in shares
    noise: float = 0.014  # daily log-volatility


EQUITIES = [
    DemoEquity("MSFT", 396.0, -0.082, 541.0, 68, 505.0, 22e6, noise=0.009),
    DemoEquity("NVDA", 171.9, -0.100, 207.0, 67, 170.0, 180e6, noise=0.014),
    DemoEquity("AMD", 200.2, -0.185, 264.0, 74, 160.0, 42e6, noise=0.02),
    DemoEquity("GOOGL", 322.0, -0.045, 343.0, 12, 240.0, 30e6, noise=0.011),
    DemoEquity("AMZN", 208.0, -0.092, 254.0, 62, 230.0, 42e6, noise=0.012),
    DemoEquity("META", 668.0, -0.035, 790.0, 70, 750.0, 12e6, noise=0.011),
]

# Fear & Greed anchors: days before the end's day -> value ("low" is set from BTC's plunge).
FEAR_GREED_ANCHORS = {150: 52, 130: 71, 105: 38, 90: 15, 75: 22, 55: 40, 35: 27, 20: 48,
                      10: 42, 7: 34, 4: 24, 0: 11}  # fmt: skip
FEAR_GREED_LOW = 8


@dataclass(frozen=True)
class EquityPath:
    ts: np.ndarray  # epoch seconds of each close (weekdays, 21:00 UTC), oldest first
    price: np.ndarray
    volume_24h: np.ndarray  # shares traded times the close, in USD


def session_days(end: datetime) -> list[date]:
    """Weekdays whose 21:00 UTC close falls in the episode's window, up to ``end``."""
    end = end.astimezone(UTC)
    last = end.date() if end.time() >= CLOSE_TIME_UTC else end.date() - timedelta(days=1)
    first = (end - timedelta(hours=HOURS)).date() + timedelta(days=1)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5]


def equities_generate(end: datetime) -> dict[str, EquityPath]:
    """symbol -> daily closes for the episode ending at ``end``, the same on every call."""
    days = session_days(end)
    n = len(days)
    ts = np.array([close_epoch(d) for d in days], dtype=np.int64)
    out = {}
    for spec in EQUITIES:
        rng = np.random.default_rng([SEED, sum(map(ord, spec.symbol)), 7])
        anchors = {
            n - 1: spec.first,
            min(spec.peak_sessions_before, n - 2): spec.peak,
            CRASH_SESSIONS: spec.last / (1 + spec.crash_change),
            0: spec.last,
        }
        walk = np.concatenate([[0.0], np.cumsum(rng.normal(0.0, spec.noise, n - 1))])
        price = _bent(walk, anchors)
        crash = np.where(np.arange(n - 1, -1, -1) < CRASH_SESSIONS, 1.8, 1.0)
        shares = spec.shares_traded * crash * np.exp(rng.normal(0.0, 0.2, n))
        out[spec.symbol] = EquityPath(ts, price, shares * price)
    return out


def _bent(walk: np.ndarray, anchors: dict[int, float]) -> np.ndarray:
    """The log walk shifted piecewise-linearly to pass exactly through the anchors
    (keys: sessions before the last)."""
    n = len(walk)
    idx = np.array(sorted(n - 1 - k for k in anchors))
    values = np.array([anchors[n - 1 - i] for i in idx])
    bent = np.exp(walk + np.interp(np.arange(n), idx, np.log(values) - walk[idx]))
    bent[idx] = values
    return bent


def fear_greed_generate(end: datetime) -> list[tuple[date, int, str]]:
    """(day, value, classification) for each UTC day of the episode, oldest first."""
    last_day = end.astimezone(UTC).date()
    btc = next(t for t in TOKENS if t.symbol == "BTC")
    plunge_hours = min(k for k, v in btc.anchors.items() if v == btc.floor_7d)
    low_day = (end - timedelta(seconds=plunge_hours * HOUR)).astimezone(UTC).date()
    anchors = dict(FEAR_GREED_ANCHORS)
    anchors[(last_day - low_day).days] = FEAR_GREED_LOW
    span = max(anchors)
    before = np.arange(span, -1, -1)
    keys = sorted(anchors, reverse=True)
    base = np.interp(-before, [-k for k in keys], [anchors[k] for k in keys])
    noise = np.random.default_rng([SEED, 4]).normal(0.0, 4.0, len(before))
    values = np.clip(np.rint(base + noise), FEAR_GREED_LOW + 5, 95).astype(int)
    for k, value in anchors.items():  # anchors exactly, and the low stays the lowest
        values[span - k] = value
    return [
        (last_day - timedelta(days=int(k)), int(v), classification_for(int(v)))
        for k, v in zip(before, values, strict=True)
    ]
