"""Valuation of a whole list at once: the formulas of ``valuation`` on (positions x hours)
matrices instead of one position at a time, so a list of 500 tokens over months costs a few
numpy passes, not 500 rounds of them.

Every figure is computed with the same floating-point operations, in the same order, as
``valuation.position_figures`` and ``valuation.total_value_series`` (tests compare them on
random data): forward fill picks the same close, held quantities are the same cumulative sums
of the lots sorted by start, and sums over positions run in the list's order.

Columns are the hours from ``origin`` (midnight UTC of the earliest first lot); a close from
before it (the last close before a lot's day, which fills the first hours of a gap) is kept as
the row's ``carry``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from watchlists import valuation
from watchlists.valuation import HOUR, ValueSeries

DAY = 86_400


@dataclass(frozen=True)
class DayCloses:
    """Packed day closes: entry k is day ``days[k]`` (epoch seconds, midnight UTC) of the
    position in row ``rows[k]``, with its 24 hourly ``closes[k]`` (NaN: no price that hour);
    each row's days in increasing order."""

    rows: np.ndarray  # int64
    days: np.ndarray  # int64
    closes: np.ndarray  # float64 of either byte order, (entries x 24)

    @classmethod
    def empty(cls) -> DayCloses:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64), np.empty((0, 24)))


@dataclass(frozen=True)
class Lots:
    """Every lot of the positions: its row, its start (epoch seconds on the hour) and its
    quantity; the lots of a row in their own order (the order of a position's lots)."""

    rows: np.ndarray  # int64
    starts: np.ndarray  # int64
    quantities: np.ndarray  # float64


@dataclass(frozen=True)
class BatchFigures:
    """Per position (row): value now, peak value and fall from it, and the price's fall from
    its peak since first held (``valuation.PositionFigures``)."""

    values: np.ndarray
    peaks: np.ndarray
    drawdowns: np.ndarray
    performance_drawdowns: np.ndarray


def positions_valued(
    *, count: int, lots: Lots, prices_now: np.ndarray, day_closes: DayCloses
) -> tuple[BatchFigures, ValueSeries]:
    """Figures of ``count`` positions (every row has at least one lot; ``prices_now`` NaN
    where a token has no current price) and their total value series."""
    starts = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(starts, lots.rows, lots.starts)
    origin = _origin(starts, day_closes)
    closes, known_cols, carry = _closes_matrix(count, origin, day_closes)
    width = closes.shape[1]
    filled, last = _forward_filled(closes, known_cols, carry)
    held = _held(count, width, origin, lots)
    columns = np.arange(width)
    start_col = (starts - origin) // HOUR
    window = (columns >= start_col[:, None]) & (columns <= last[:, None])
    values = _lot_sums(count, lots) * prices_now
    history = held * filled
    history[held <= 0] = 0.0  # (held is never NaN) as np.where(held > 0, held * filled, 0)
    peaks = _peaks(history, window, values)
    performance_peaks = _peaks(filled, window, prices_now)
    with np.errstate(divide="ignore", invalid="ignore"):
        drawdowns = np.where(peaks > 0, values / peaks - 1.0, 0.0)
        performance = np.where(performance_peaks > 0, prices_now / performance_peaks - 1.0, 0.0)
    figures = BatchFigures(values, peaks, drawdowns, performance)
    has_close = (last >= 0) | ~np.isnan(carry)
    first_col = known_cols.argmax(axis=1) if width else np.zeros(count, np.int64)
    first_close = np.where(~np.isnan(carry), np.iinfo(np.int64).min, origin + first_col * HOUR)
    series = _series(has_close, starts, first_close, origin + last * HOUR, origin, held,
                     filled, history, prices_now)  # fmt: skip
    return figures, series


def _origin(starts: np.ndarray, day_closes: DayCloses) -> int:
    """Midnight of the first day a held position can have a price: for each row with closes,
    the later of its first lot's day and its first day read; the earliest of those. Before it
    every held position is unpriced, hours the per-position formulas leave out too, so a lot
    bought years before its token's first close does not stretch the matrices over years."""
    start_days = starts - starts % DAY
    first_days = np.full(starts.size, np.iinfo(np.int64).max)
    np.minimum.at(first_days, day_closes.rows, day_closes.days)
    read = first_days < np.iinfo(np.int64).max
    if read.any():
        return int(np.maximum(start_days[read], first_days[read]).min())
    return int(start_days.min()) if starts.size else 0


def _closes_matrix(
    count: int, origin: int, day_closes: DayCloses
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(closes (rows x hours from origin, NaN: none), where they are known, carry: each row's
    last close before origin or NaN)."""
    inside = day_closes.days >= origin
    days = int((day_closes.days[inside].max() - origin) // DAY + 1) if inside.any() else 0
    closes = np.full((count, days, 24), np.nan)
    at = (day_closes.rows[inside], (day_closes.days[inside] - origin) // DAY)
    closes[at] = day_closes.closes[inside]
    closes = closes.reshape(count, days * 24)
    carry = np.full(count, np.nan)
    before = day_closes.closes[~inside].ravel()
    if before.size:  # the last known close of each row among its days before the origin
        rows = np.repeat(day_closes.rows[~inside], 24)
        known = np.flatnonzero(~np.isnan(before))
        latest = np.full(count, -1)
        np.maximum.at(latest, rows[known], known)
        carry[latest >= 0] = before[latest[latest >= 0]]
    return closes, ~np.isnan(closes), carry


def _forward_filled(
    closes: np.ndarray, known: np.ndarray, carry: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(Each hour's last close at or before it, the carry before the row's first close, NaN
    without one; each row's last column with a close, -1 if none)."""
    count, width = closes.shape
    index = np.where(known, np.arange(count * width).reshape(count, width), -1)
    np.maximum.accumulate(index, axis=1, out=index)  # flat index of the last close so far
    filled = closes.ravel()[index]
    np.copyto(filled, carry[:, None], where=index < 0)
    if not width:
        return filled, np.full(count, -1)
    last = index[:, -1]
    return filled, np.where(last >= 0, last - np.arange(count) * width, -1)


def _held(count: int, width: int, origin: int, lots: Lots) -> np.ndarray:
    """Quantity held at each hour: ``cumulative[row, number of lots started by then]``, the
    cumulative sums of each row's lots sorted by start (valuation.held_quantity)."""
    order = np.lexsort((lots.starts, lots.rows))  # by row, then start; stable
    rows = lots.rows[order]
    in_row = np.arange(rows.size) - np.searchsorted(rows, rows)
    per_row = np.zeros((count, int(in_row.max()) + 1 if rows.size else 0))
    per_row[rows, in_row] = lots.quantities[order]
    cumulative = np.concatenate((np.zeros((count, 1)), np.cumsum(per_row, axis=1)), axis=1)
    steps = cumulative.shape[1]
    columns = np.maximum((lots.starts - origin) // HOUR, 0)
    started = columns < width
    flat = lots.rows[started] * width + columns[started]
    counts = np.bincount(flat, minlength=count * width).reshape(count, width)
    np.cumsum(counts, axis=1, out=counts)
    counts += (np.arange(count) * steps)[:, None]
    return cumulative.ravel()[counts]


def _lot_sums(count: int, lots: Lots) -> np.ndarray:
    """Each row's quantity: the sum of its lots in their order, as ndarray.sum adds them
    (pairwise from 8 terms on), so the rows with as many lots are summed together."""
    order = np.argsort(lots.rows, kind="stable")
    quantities = lots.quantities[order]
    sizes = np.bincount(lots.rows, minlength=count)
    firsts = np.cumsum(sizes) - sizes
    sums = np.zeros(count)
    for size in np.unique(sizes[sizes > 0]):
        rows = np.flatnonzero(sizes == size)
        sums[rows] = quantities[firsts[rows, None] + np.arange(size)].sum(axis=1)
    return sums


def _peaks(history: np.ndarray, window: np.ndarray, current: np.ndarray) -> np.ndarray:
    """max(highest known value in the row's window, current), as peak_and_drawdown."""
    highest = np.max(history, axis=1, initial=-np.inf, where=window & np.isfinite(history))
    return np.where(np.isneginf(highest) | (current > highest), current, highest)


def _series(
    has_close: np.ndarray,
    starts: np.ndarray,
    first_close: np.ndarray,
    last_close: np.ndarray,
    origin: int,
    held: np.ndarray,
    filled: np.ndarray,
    history: np.ndarray,
    prices_now: np.ndarray,
) -> ValueSeries:
    """The total value series over the positions with a close (valuation.total_value_series)."""
    if not has_close.any():
        empty = np.empty(0)
        return ValueSeries(np.empty(0, dtype=np.int64), empty, empty)
    begin = max(int(starts[has_close].min()), int(first_close[has_close].min()), origin)
    grid = valuation.hour_grid(begin, int(last_close[has_close].max()))
    span = slice((begin - origin) // HOUR, (begin - origin) // HOUR + grid.size)
    rows = slice(None) if has_close.all() else has_close  # views, not copies, when all
    return valuation.value_series(
        grid, held[rows, span], filled[rows, span], prices_now[rows],
        worth=np.ascontiguousarray(history[rows, span]),  # C order: summed row after row
    )  # fmt: skip
