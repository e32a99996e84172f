"""The whole-list valuation (matrices) gives exactly the figures of the per-position formulas
of valuation.py, bit for bit, on random lists: gaps, missing days, closes before the first lot,
lots before the first close or after the last, many lots on one hour, tokens without price."""

import tracemalloc

import numpy as np
import pytest

from watchlists.valuation import PositionHistory, position_figures, total_value_series
from watchlists.valuation_batch import DAY, HOUR, DayCloses, Lots, positions_valued

ORIGIN = 1_767_225_600  # 2026-01-01


def random_list(rng: np.random.Generator, count: int):
    """(lots, prices now, day closes, per position (hours, closes) as the old path read them)."""
    rows, starts, quantities, prices, day_rows, days, closes, expanded = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    for row in range(count):
        n = int(rng.choice([1, 2, 3, 9, 12]))
        lot_starts = ORIGIN + rng.integers(-2 * 24, 20 * 24, n) * HOUR
        if rng.random() < 0.3:
            lot_starts[: n // 2 + 1] = lot_starts[0]  # several lots on the same hour
        rows += [row] * n
        starts += lot_starts.tolist()
        quantities += (rng.random(n) * 10 ** rng.uniform(-3, 4, n)).tolist()
        prices.append(float("nan") if rng.random() < 0.1 else float(rng.uniform(0.01, 500)))
        first = int(lot_starts.min()) // DAY * DAY - int(rng.integers(0, 3)) * DAY
        shape = rng.random()
        if shape < 0.15:  # closes only from well after the first lot
            first += int(rng.integers(3, 15)) * DAY
        token_days = [d for d in range(first, ORIGIN + 25 * DAY, DAY) if rng.random() < 0.8]
        if 0.15 <= shape < 0.3:  # the last close before the first lot is months older
            token_days = [first - 200 * DAY] + [d for d in token_days if d > first]
        if rng.random() < 0.1:
            token_days = []  # a token without any close
        hours, values = [], []
        for day in token_days:
            day_closes = rng.uniform(1, 100, 24)
            day_closes[rng.random(24) < 0.3] = np.nan
            day_rows.append(row)
            days.append(day)
            closes.append(day_closes)
            known = ~np.isnan(day_closes)
            hours += (day + np.arange(24) * HOUR)[known].tolist()
            values += day_closes[known].tolist()
        expanded.append((np.array(hours, np.int64), np.array(values, np.float64)))
    lots = Lots(np.array(rows, np.int64), np.array(starts, np.int64), np.array(quantities))
    day_closes = DayCloses(
        np.array(day_rows, np.int64), np.array(days, np.int64), np.array(closes).reshape(-1, 24)
    )
    return lots, np.array(prices), day_closes, expanded


def same(a, b) -> bool:
    return np.array_equal(np.asarray(a, float), np.asarray(b, float), equal_nan=True)


@pytest.mark.parametrize("seed", range(12))
def test_the_list_at_once_equals_the_positions_one_by_one_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 25))
    lots, prices, day_closes, expanded = random_list(rng, count)
    figures, series = positions_valued(
        count=count, lots=lots, prices_now=prices, day_closes=day_closes
    )
    histories = []
    for row, (hours, closes) in enumerate(expanded):
        mine = lots.rows == row
        lot_starts, quantities = lots.starts[mine], lots.quantities[mine]
        histories.append(PositionHistory(hours, closes, lot_starts, quantities, prices[row]))
        if np.isnan(prices[row]):
            continue
        old = position_figures(price_now=prices[row], hours=hours, closes=closes,
                               lot_starts=lot_starts, quantities=quantities)  # fmt: skip
        assert figures.values[row] == old.value_usd
        assert figures.peaks[row] == old.peak_value_usd
        assert figures.drawdowns[row] == old.drawdown_from_peak
        assert figures.performance_drawdowns[row] == old.performance_drawdown
    old_series = total_value_series(histories)
    assert np.array_equal(series.times, old_series.times)
    assert same(series.values, old_series.values)
    assert same(series.drawdowns, old_series.drawdowns)
    assert same(series.index, old_series.index)
    assert series.performance_drawdown_now == old_series.performance_drawdown_now


def test_a_list_without_positions_or_closes_has_no_series():
    lots = Lots(np.zeros(1, np.int64), np.array([ORIGIN]), np.ones(1))
    figures, series = positions_valued(
        count=1, lots=lots, prices_now=np.array([2.0]), day_closes=DayCloses.empty()
    )
    assert (figures.values[0], figures.peaks[0], figures.drawdowns[0]) == (2.0, 2.0, 0.0)
    assert len(series) == 0
    empty = Lots(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    _, series = positions_valued(
        count=0, lots=empty, prices_now=np.empty(0), day_closes=DayCloses.empty()
    )
    assert len(series) == 0


def test_a_lot_bought_decades_before_its_tokens_first_close_does_not_stretch_the_hours():
    count, days = 200, 30
    lots = Lots(np.arange(count), np.full(count, ORIGIN - 30 * 365 * DAY), np.ones(count))
    day_closes = DayCloses(
        np.repeat(np.arange(count), days),
        np.tile(ORIGIN + np.arange(days) * DAY, count),
        np.full((count * days, 24), 2.0),
    )
    tracemalloc.start()
    figures, series = positions_valued(
        count=count, lots=lots, prices_now=np.full(count, 3.0), day_closes=day_closes
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50e6  # 30 years of hours for 200 positions would take gigabytes
    assert (figures.values[0], figures.peaks[0], series.times[0]) == (3.0, 3.0, ORIGIN)
    assert len(series) == days * 24 and series.values[0] == 2.0 * count
