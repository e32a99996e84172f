"""A deterministic reconstruction of the February 2026 AI-token crash (not market data).

Each token follows a seeded random walk (AI tokens partly driven by BTC's moves), bent in
log space so that it passes exactly through anchor prices taken from the article: TAO at
164 $ after a 147 $ low, -23.41 % on 7 days and -10.69 % on 24 hours; NEAR -25.4 % on 7
days; ICP and RENDER between -23 % and -25 %; BTC losing 18 % in one day to about 60 k$.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from markets.metrics_math import HOUR

HOURS = 150 * 24  # history length: more than the 120 days DESIGN.md asks for
SEED = 20260206
# The article's "now": the Friday morning (09:00 in Paris) when readers open their apps to
# find TAO at 164 $ and BTC back above 60 k$ after the crash; the demo data end here.
EPISODE_END = datetime(2026, 2, 6, 8, tzinfo=UTC)
DEMO_SOURCE = "demo"  # the source of every demo quote (seed and walk)


@dataclass(frozen=True)
class DemoToken:
    symbol: str
    name: str
    coingecko_id: str
    supply: float
    anchors: dict[int, float]  # hours before the end -> exact price
    beta: float = 1.0  # sensitivity to BTC's hourly moves
    noise: float = 0.006  # idiosyncratic hourly log-volatility
    floor_7d: float | None = None  # the 7-day low, reached at the anchor that equals it
    turnover: float = 0.06  # typical 24 h volume / market cap
    end_turnover: float | None = None
    is_benchmark: bool = False
    lists: tuple[str, ...] = field(default=("ai",))


def _seven_day(end: float, change: float) -> float:
    return end / (1.0 + change)


TOKENS = [
    DemoToken("BTC", "Bitcoin", "bitcoin", 19_980_000,
              {3600: 108_000, 2950: 124_500, 1500: 92_000, 720: 89_000, 168: 78_400,
               72: 74_600, 48: 74_600 * 0.82, 44: 59_850, 0: 63_450},
              beta=0.0, noise=0.0045, floor_7d=59_850, turnover=0.03, end_turnover=0.09,
              is_benchmark=True, lists=("benchmarks",)),
    DemoToken("ETH", "Ethereum", "ethereum", 120_700_000,
              {3600: 3_900, 2950: 4_600, 1500: 3_100, 720: 2_950, 168: 2_450, 0: 1_850},
              beta=1.2, noise=0.003, turnover=0.05, is_benchmark=True, lists=("benchmarks",)),
    DemoToken("TAO", "Bittensor", "bittensor", 9_600_000,
              {3600: 430, 2900: 470, 1500: 300, 720: 245, 168: _seven_day(164, -0.2341),
               60: 200, 24: 164 / (1 - 0.1069), 10: 147, 0: 164},
              beta=1.6, noise=0.006, floor_7d=147, turnover=0.07, end_turnover=0.21),
    DemoToken("NEAR", "NEAR Protocol", "near", 1_280_000_000,
              {3600: 2.9, 2900: 3.2, 1500: 2.1, 720: 1.75, 168: _seven_day(1.12, -0.254),
               24: 1.22, 0: 1.12}, beta=1.5),
    DemoToken("ICP", "Internet Computer", "internet-computer", 545_000_000,
              {3600: 5.6, 2900: 6.1, 1500: 3.9, 720: 3.3, 168: _seven_day(2.45, -0.239),
               24: 2.62, 0: 2.45}, beta=1.4),
    DemoToken("RENDER", "Render", "render-token", 518_000_000,
              {3600: 4.1, 2900: 4.4, 1500: 2.4, 720: 1.9, 168: _seven_day(1.38, -0.246),
               24: 1.50, 0: 1.38}, beta=1.7),
    DemoToken("FET", "Artificial Superintelligence Alliance", "fetch-ai", 2_630_000_000,
              {3600: 0.62, 2900: 0.71, 1500: 0.38, 720: 0.27, 168: _seven_day(0.17, -0.278),
               0: 0.17}, beta=1.8),
    DemoToken("AKT", "Akash Network", "akash-network", 280_000_000,
              {3600: 1.45, 2900: 1.60, 1500: 0.85, 720: 0.60, 168: _seven_day(0.42, -0.215),
               0: 0.42}, beta=1.3),
]  # fmt: skip

# slug -> (name, description, French name, French description, featured)
LISTS = {
    "ai": ("AI tokens", "Decentralised-AI tokens hit by the February 2026 correction.",
           "Tokens IA", "Les tokens de l\u2019IA décentralisée frappés par la correction de"
           " février 2026.", True),
    "benchmarks": ("Benchmarks", "Bitcoin and Ethereum, to compare the AI sector with.",
                   "Références", "Bitcoin et Ethereum, pour comparer le secteur de l\u2019IA.",
                   False),
}  # fmt: skip


@dataclass(frozen=True)
class DemoPath:
    hours_before_end: np.ndarray  # HOURS .. 0
    price: np.ndarray
    market_cap: np.ndarray
    volume_24h: np.ndarray


def _bent_walk(increments: np.ndarray, anchors: dict[int, float]) -> np.ndarray:
    """Cumulative log walk shifted piecewise-linearly so it hits every anchor exactly."""
    walk = np.concatenate([[0.0], np.cumsum(increments)])  # index i = HOURS - i hours before end
    ks = np.array(sorted(anchors, reverse=True))
    idx = HOURS - ks
    delta = np.log([anchors[k] for k in ks]) - walk[idx]
    bent = np.exp(walk + np.interp(np.arange(HOURS + 1), idx, delta))
    bent[idx] = [anchors[k] for k in ks]
    return bent


def episode_generate() -> dict[str, DemoPath]:
    """symbol -> hourly path, the same on every call."""
    rng = np.random.default_rng(SEED)
    btc_moves = rng.normal(0.0, 1.0, HOURS)
    hours = np.arange(HOURS, -1, -1)
    out = {}
    for token in TOKENS:
        own = np.random.default_rng([SEED, sum(map(ord, token.symbol))])
        moves = token.beta * 0.0045 * btc_moves + own.normal(0.0, token.noise, HOURS)
        if token.symbol == "BTC":
            moves = 0.0045 * btc_moves
        price = _bent_walk(moves, token.anchors)
        if token.floor_7d is not None:
            last_week = hours <= 168
            floor_at = hours == min(k for k, v in token.anchors.items() if v == token.floor_7d)
            lifted = np.maximum(price, token.floor_7d * 1.002)
            price = np.where(last_week & ~floor_at, lifted, price)
        cap = price * token.supply
        crash = np.where(hours <= 168, 2.5, 1.0)
        turnover = token.turnover * crash * np.exp(own.normal(0.0, 0.15, HOURS + 1))
        if token.end_turnover is not None:
            turnover[-1] = token.end_turnover
        out[token.symbol] = DemoPath(hours, price, cap, cap * turnover)
    return out


def episode_epochs(end: int) -> np.ndarray:
    """Timestamps of the hourly points for an episode ending at ``end`` (epoch seconds)."""
    return end - np.arange(HOURS, -1, -1, dtype=np.int64) * HOUR
