"""Valuation of positions: pure numpy maths on arrays, no database, checkable by hand.

Times are epoch seconds (UTC) on the hour; prices are hourly closes (the last price of each
UTC hour), forward-filled over gaps: at hour t a token is worth its last close at or before t.
A position holds the lots bought by hour t, so its value is

    V(t) = sum over lots with start <= t of quantity x close(t)

where a lot starts at midnight UTC of its purchase date, or at the hour it was added. Its
fall from peak *value* is V(now) / max(max_t V(t), V(now)) - 1, a fraction (-0.25 = 25 % below
peak): the money view, where buying more makes a new peak.

The performance view leaves purchases out: a time-weighted return index starts at 1 and moves
from one valued hour to the next by the gain of what was already held, over what it was worth:

    I(k) = I(k-1) x (1 + sum_p q_p(k-1) x (c_p(k) - c_p(k-1)) / V(k-1))

(q_p: quantity held of position p, c_p: its close), so a lot enters without moving the index.
The fall of performance is I(now) / max I - 1: how far the holding itself has melted.
Market values are floats (prices are floats); user money (quantity, cost) stays Decimal until
it meets a price.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

HOUR = 3600


def hour_floor(epoch: int) -> int:
    return int(epoch) - int(epoch) % HOUR


def hour_grid(start: int, end: int) -> np.ndarray:
    """Every hour from start to end (both floored to the hour), inclusive; empty if start > end."""
    start, end = hour_floor(start), hour_floor(end)
    if start > end:
        return np.empty(0, dtype=np.int64)
    return np.arange(start, end + HOUR, HOUR, dtype=np.int64)


def forward_filled(grid: np.ndarray, hours: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """Price at each grid hour: the last close at or before it (``hours`` sorted); NaN before
    the first close."""
    index = np.searchsorted(hours, grid, side="right") - 1
    prices = np.full(grid.shape, np.nan)
    known = index >= 0
    prices[known] = closes[index[known]]
    return prices


def held_quantity(grid: np.ndarray, lot_starts: np.ndarray, quantities: np.ndarray) -> np.ndarray:
    """Quantity held at each grid hour: the sum of the lots started at or before it."""
    order = np.argsort(lot_starts, kind="stable")
    starts = lot_starts[order]
    cumulative = np.concatenate(([0.0], np.cumsum(quantities[order], dtype=np.float64)))
    return cumulative[np.searchsorted(starts, grid, side="right")]


def position_values(
    grid: np.ndarray,
    hours: np.ndarray,
    closes: np.ndarray,
    lot_starts: np.ndarray,
    quantities: np.ndarray,
) -> np.ndarray:
    """V(t) at each grid hour: 0 while nothing is held, NaN while held without a known price."""
    held = held_quantity(grid, lot_starts, quantities)
    prices = forward_filled(grid, hours, closes)
    return np.where(held > 0, held * prices, 0.0)


def peak_and_drawdown(values: np.ndarray, current: float) -> tuple[float, float]:
    """(peak, current / peak - 1), the peak over the known values and the current one."""
    known = values[np.isfinite(values)]
    peak = max(float(known.max()) if known.size else current, current)
    return peak, (current / peak - 1.0 if peak > 0 else 0.0)


def drawdown_series(values: np.ndarray) -> np.ndarray:
    """Each value against the running peak up to it, minus 1 (0 at a new peak)."""
    if values.size == 0:
        return values.astype(np.float64)
    peaks = np.maximum.accumulate(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(peaks > 0, values / peaks - 1.0, 0.0)


def pnl_ratio(value: float, cost: float) -> float | None:
    """The P&L as a fraction of the cost, value / cost - 1 (-0.25 = -25 %); None without a
    cost. The P&L in dollars is not a float: the selectors take the value's exact Decimal
    less the exact cost."""
    return value / cost - 1.0 if cost > 0 else None


@dataclass(frozen=True)
class PositionFigures:
    """What one position is worth now and how far it is below its peak value (its P&L is
    the selectors', from the exact cost)."""

    value_usd: float
    peak_value_usd: float
    drawdown_from_peak: float
    performance_drawdown: float


def position_figures(
    *,
    price_now: float,
    hours: np.ndarray,
    closes: np.ndarray,
    lot_starts: np.ndarray,
    quantities: np.ndarray,
) -> PositionFigures:
    """Value and fall from peak of the lots (starts in epoch seconds, on the hour) given the
    token's hourly closes and its current price."""
    value = float(quantities.sum(dtype=np.float64)) * price_now
    end = int(hours[-1]) if hours.size else int(lot_starts.min()) - HOUR
    grid = hour_grid(int(lot_starts.min()), end)
    history = position_values(grid, hours, closes, lot_starts, quantities)
    peak, drawdown = peak_and_drawdown(history, value)
    # One token's time-weighted index is its price: the fall of the price since first held.
    _, performance = peak_and_drawdown(forward_filled(grid, hours, closes), price_now)
    return PositionFigures(value, peak, drawdown, performance)


@dataclass(frozen=True)
class ValueSeries:
    """Total value of a list at each hour, and its fall from the running peak (fractions)."""

    times: np.ndarray  # int64 epoch seconds, on the hour
    values: np.ndarray | None  # float64 USD; None when amounts are hidden
    drawdowns: np.ndarray  # float64 fractions, <= 0: the performance index below its peak
    index: np.ndarray | None = None  # float64 time-weighted return index, starting at 1
    # The index's fall once the last hour's holdings move to their current prices.
    performance_drawdown_now: float | None = None

    def __len__(self) -> int:
        return int(self.times.size)

    def points(self) -> list[list]:
        """[[epoch seconds, value USD (or None if hidden), drawdown], …] for charts and JSON."""
        values = [None] * len(self) if self.values is None else self.values.tolist()
        return [
            [t, v, d]
            for t, v, d in zip(self.times.tolist(), values, self.drawdowns.tolist(), strict=True)
        ]

    def amounts_hidden(self) -> ValueSeries:
        return replace(self, values=None)


@dataclass(frozen=True)
class PositionHistory:
    """The inputs of one position for a total value series."""

    hours: np.ndarray
    closes: np.ndarray
    lot_starts: np.ndarray
    quantities: np.ndarray
    price_now: float = float("nan")  # the current price, when there is one


def total_value_series(positions: list[PositionHistory]) -> ValueSeries:
    """Sum of the positions' V(t) at every hour from the first lot start to the last close.

    Positions without any close are left out; an hour where a held position has no known
    price yet (before its first close) has no total and is left out too.
    """
    priced = [p for p in positions if p.hours.size and p.lot_starts.size]
    if not priced:
        empty = np.empty(0)
        return ValueSeries(np.empty(0, dtype=np.int64), empty, empty)
    first_start = min(int(p.lot_starts.min()) for p in priced)
    first_close = min(int(p.hours[0]) for p in priced)
    grid = hour_grid(max(first_start, first_close), max(int(p.hours[-1]) for p in priced))
    held = np.stack([held_quantity(grid, p.lot_starts, p.quantities) for p in priced])
    closes = np.stack([forward_filled(grid, p.hours, p.closes) for p in priced])
    return value_series(grid, held, closes, np.array([p.price_now for p in priced]))


def value_series(
    grid: np.ndarray,
    held: np.ndarray,
    closes: np.ndarray,
    prices_now: np.ndarray,
    *,
    worth: np.ndarray | None = None,
) -> ValueSeries:
    """The series from (positions x grid hours) quantities held and forward-filled closes,
    and the positions' current prices (NaN: none); ``worth``: held x closes where held, if
    already computed (C order)."""
    if worth is None:
        worth = np.where(held > 0, held * closes, 0.0)  # NaN: held without a known price
    total = worth.sum(axis=0)
    known = np.isfinite(total)
    values = total[known]
    index = performance_index(held[:, known], closes[:, known])
    now = None
    if values.size:
        last = np.flatnonzero(known)[-1]
        now_index = performance_index(
            np.stack([held[:, last], held[:, last]], axis=1),
            np.stack([closes[:, last], np.where(np.isfinite(prices_now), prices_now,
                                                closes[:, last])], axis=1),
        )[-1] * index[-1]  # fmt: skip
        now = float(now_index / max(float(index.max()), now_index) - 1.0)
    return ValueSeries(grid[known], values, drawdown_series(index), index, now)


def performance_index(held: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """The time-weighted return index (module docstring) over valued hours: ``held`` and
    ``closes`` are (positions x hours), every held position priced at every hour."""
    if held.shape[1] == 0:
        return np.empty(0)
    before = held[:, :-1]
    holding = before > 0
    worth = np.where(holding, before * closes[:, :-1], 0.0).sum(axis=0)
    gain = np.where(holding, before * (closes[:, 1:] - closes[:, :-1]), 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(worth > 0, 1.0 + gain / worth, 1.0)
    return np.concatenate(([1.0], np.cumprod(growth)))
