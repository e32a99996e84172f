"""The valuation maths on plain arrays, against figures worked out by hand."""

import numpy as np
import pytest

from watchlists.valuation import (
    HOUR,
    PositionHistory,
    drawdown_series,
    forward_filled,
    held_quantity,
    hour_grid,
    peak_and_drawdown,
    pnl_ratio,
    position_figures,
    position_values,
    total_value_series,
)

H0 = 1_770_000_000 - 1_770_000_000 % HOUR  # some hour


def hours(*offsets):
    return np.array([H0 + n * HOUR for n in offsets], dtype=np.int64)


def test_an_hour_grid_covers_every_hour_from_start_to_end_inclusive():
    assert (hour_grid(H0 + 10, H0 + 2 * HOUR + 5) == hours(0, 1, 2)).all()
    assert hour_grid(H0 + HOUR, H0).size == 0


def test_prices_are_forward_filled_over_gaps_and_unknown_before_the_first_close():
    prices = forward_filled(hours(-1, 0, 1, 2, 3, 4), hours(0, 1, 3), np.array([10.0, 12.0, 8.0]))
    assert prices[0] != prices[0]  # NaN: before the first close
    assert prices[1:].tolist() == [10.0, 12.0, 12.0, 8.0, 8.0]


def test_the_quantity_held_counts_the_lots_started_at_or_before_each_hour():
    held = held_quantity(hours(0, 1, 2, 3), hours(2, 0), np.array([1.0, 2.0]))
    assert held.tolist() == [2.0, 2.0, 3.0, 3.0]


def test_a_position_is_worth_nothing_before_its_first_lot_and_nan_while_held_without_price():
    values = position_values(
        hours(0, 1, 2), hours(1, 2), np.array([5.0, 6.0]), hours(0), np.array([2.0])
    )
    assert np.isnan(values[0])
    assert values[1:].tolist() == [10.0, 12.0]
    later = position_values(hours(0, 1), hours(0, 1), np.array([5.0, 6.0]), hours(1), np.ones(1))
    assert later.tolist() == [0.0, 6.0]


def test_the_fall_from_peak_of_lots_bought_at_different_times_over_a_gap():
    # Closes: h0 10, h1 12, (gap at h2: still 12), h3 8.  Lot A: 2 from h0; lot B: 1 from h2.
    # V: h0 = 2x10 = 20, h1 = 2x12 = 24, h2 = 3x12 = 36, h3 = 3x8 = 24; now at 9: 3x9 = 27.
    # Peak 36, so the position is 27/36 - 1 = -25 % below it.
    figures = position_figures(
        price_now=9.0,
        hours=hours(0, 1, 3),
        closes=np.array([10.0, 12.0, 8.0]),
        lot_starts=hours(0, 2),
        quantities=np.array([2.0, 1.0]),
    )
    assert figures.value_usd == 27.0
    assert figures.peak_value_usd == 36.0
    assert figures.drawdown_from_peak == pytest.approx(-0.25)


def test_a_position_at_a_new_high_now_is_zero_below_its_peak():
    figures = position_figures(
        price_now=20.0, hours=hours(0, 1), closes=np.array([10.0, 15.0]),
        lot_starts=hours(0), quantities=np.array([1.0]),
    )  # fmt: skip
    assert (figures.peak_value_usd, figures.drawdown_from_peak) == (20.0, 0.0)


def test_a_lot_bought_after_the_last_close_is_valued_at_the_current_price_only():
    figures = position_figures(
        price_now=4.0, hours=hours(0), closes=np.array([100.0]),
        lot_starts=hours(5), quantities=np.array([1.0]),
    )  # fmt: skip
    assert (figures.value_usd, figures.peak_value_usd, figures.drawdown_from_peak) == (4, 4, 0)


def test_peak_and_drawdown_ignore_unknown_values_and_include_the_current_one():
    assert peak_and_drawdown(np.array([np.nan, 50.0, 80.0]), 60.0) == (80.0, pytest.approx(-0.25))
    assert peak_and_drawdown(np.array([]), 0.0) == (0.0, 0.0)


def test_drawdown_series_is_each_value_against_its_running_peak():
    assert drawdown_series(np.array([10.0, 20.0, 15.0, 25.0, 5.0])).tolist() == pytest.approx(
        [0.0, 0.0, -0.25, 0.0, -0.8]
    )


def test_the_pnl_ratio_is_a_fraction_of_the_cost_and_none_without_one():
    assert pnl_ratio(150.0, 100.0) == 0.5
    assert pnl_ratio(27.0, 32.0) == pytest.approx(-5 / 32)
    assert pnl_ratio(0.0, 0.0) is None


def test_the_total_value_series_adds_positions_hour_by_hour():
    # A: 1 unit from h0, closes h0 10, h1 (gap) , h2 20.  B: 2 units from h1, closes h0..h2 = 5.
    # Totals: h0 = 10, h1 = 10 + 2x5 = 20, h2 = 20 + 10 = 30; then drawdowns are all 0.
    series = total_value_series(
        [
            PositionHistory(hours(0, 2), np.array([10.0, 20.0]), hours(0), np.array([1.0])),
            PositionHistory(hours(0, 1, 2), np.full(3, 5.0), hours(1), np.array([2.0])),
        ]
    )
    assert series.times.tolist() == hours(0, 1, 2).tolist()
    assert series.values.tolist() == [10.0, 20.0, 30.0]
    assert series.points()[1] == [int(H0 + HOUR), 20.0, 0.0]


def test_the_total_series_skips_hours_where_a_held_token_has_no_price_yet():
    series = total_value_series(
        [
            PositionHistory(hours(0, 1, 2), np.array([4.0, 2.0, 3.0]), hours(0), np.ones(1)),
            PositionHistory(hours(1, 2), np.array([10.0, 10.0]), hours(0), np.ones(1)),
        ]
    )
    assert series.values.tolist() == [12.0, 13.0]
    assert series.drawdowns.tolist() == [0.0, 0.0]


def test_the_total_series_leaves_out_positions_without_any_close():
    series = total_value_series(
        [
            PositionHistory(hours(0, 1), np.array([8.0, 6.0]), hours(0), np.ones(1)),
            PositionHistory(np.empty(0, dtype=np.int64), np.empty(0), hours(0), np.ones(1)),
        ]
    )
    assert series.values.tolist() == [8.0, 6.0]
    assert series.drawdowns.tolist() == [0.0, -0.25]
    assert series.amounts_hidden().points() == [[int(H0), None, 0.0], [int(H0 + HOUR), None, -0.25]]
    assert len(total_value_series([])) == 0


# --- Performance: a time-weighted return index that purchases do not move -------------------


def falling_x_with_a_purchase_at_h2(**extra) -> PositionHistory:
    """X closes 100, 80, 60, 90 at h0..h3; 1 unit from h0, 1 more bought at h2 (at 60)."""
    return PositionHistory(
        hours(0, 1, 2, 3), np.array([100.0, 80.0, 60.0, 90.0]), hours(0, 2), np.ones(2), **extra
    )


def test_buying_during_a_fall_makes_a_new_value_peak_but_leaves_the_index_unmoved():
    series = total_value_series([falling_x_with_a_purchase_at_h2()])
    # Money: 100, 80, 2x60 = 120 (a "peak" made of new money), 2x90 = 180.
    assert series.values.tolist() == [100.0, 80.0, 120.0, 180.0]
    # Index: 1, x(80/100) = 0.8, x(60/80) = 0.6, then both units gain 30 on 120: x1.5 = 0.9.
    assert series.index.tolist() == pytest.approx([1.0, 0.8, 0.6, 0.9])
    assert series.drawdowns.tolist() == pytest.approx([0.0, -0.2, -0.4, -0.1])


def test_a_second_position_bought_mid_fall_weighs_in_by_what_it_was_worth():
    flat_y = PositionHistory(hours(0, 1, 2, 3), np.full(4, 10.0), hours(2), np.array([3.0]))
    series = total_value_series([falling_x_with_a_purchase_at_h2(), flat_y])
    assert series.values.tolist() == [100.0, 80.0, 150.0, 210.0]
    # h2 -> h3: X's 2 units gain 60, Y's 3 units gain 0, on 120 + 30 = 150: x1.4 -> 0.84.
    assert series.index.tolist() == pytest.approx([1.0, 0.8, 0.6, 0.84])
    assert series.drawdowns.tolist() == pytest.approx([0.0, -0.2, -0.4, -0.16])


def test_the_performance_now_moves_the_last_holdings_to_their_current_prices():
    flat_y = PositionHistory(hours(0, 1, 2, 3), np.full(4, 10.0), hours(2), np.array([3.0]))
    series = total_value_series([falling_x_with_a_purchase_at_h2(price_now=45.0), flat_y])
    # X 90 -> 45 loses 2 x 45 = 90 on 210; Y has no current price and does not move.
    assert series.performance_drawdown_now == pytest.approx(0.84 * (1 - 90 / 210) - 1)


def test_one_position_falls_by_its_price_since_first_held_whatever_was_bought():
    figures = position_figures(
        price_now=45.0, hours=hours(0, 1, 2, 3),
        closes=np.array([100.0, 80.0, 60.0, 90.0]), lot_starts=hours(0, 2), quantities=np.ones(2),
    )  # fmt: skip
    assert figures.performance_drawdown == pytest.approx(45 / 100 - 1)
    assert figures.drawdown_from_peak == pytest.approx(90 / 180 - 1)  # money view
