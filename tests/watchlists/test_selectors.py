"""Reads: owner scoping, valuation against hand-computed figures, and pinned query counts."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tests.factories import TokenFactory
from tests.watchlists.conftest import NOW, TAO_QUOTES, at, lot, prices
from watchlists import selectors, services
from watchlists.models import Lot

# --- Owner scoping ---------------------------------------------------------------------------


def test_an_owner_gets_their_watchlist_by_id_as_int_or_text(alice, alice_list):
    assert selectors.watchlist_get_for_user(user=alice, pk=alice_list.pk) == alice_list
    assert selectors.watchlist_get_for_user(user=alice, pk=str(alice_list.pk)) == alice_list


@pytest.mark.parametrize("who", ["bob", "staff"])
def test_another_user_or_staff_gets_a_404_for_someone_elses_watchlist(request, alice_list, who):
    with pytest.raises(Http404):
        selectors.watchlist_get_for_user(user=request.getfixturevalue(who), pk=alice_list.pk)


@pytest.mark.parametrize("pk", [0, -1, 10**30, "abc", None, "1\x00", " 1", "\u0661", True])
def test_a_missing_or_malformed_id_is_a_404(alice, alice_list, pk):
    with pytest.raises(Http404):
        selectors.watchlist_get_for_user(user=alice, pk=pk)


def test_an_anonymous_visitor_gets_a_404(alice_list):
    with pytest.raises(Http404):
        selectors.watchlist_get_for_user(user=AnonymousUser(), pk=alice_list.pk)


def test_a_user_lists_only_their_own_watchlists_in_order_with_item_counts(alice, bob, tao, btc):
    first = services.watchlist_create(owner=alice, name="First")
    second = services.watchlist_create(owner=alice, name="Second")
    services.watchlist_create(owner=bob, name="Bob's")
    services.watchlist_add_token(watchlist=second, symbol="TAO")
    services.watchlist_add_token(watchlist=second, symbol="BTC")
    services.watchlist_move(watchlist=second, position=0)
    listed = list(selectors.watchlist_list_for_user(user=alice))
    assert [(w.name, w.items_count) for w in listed] == [("Second", 2), ("First", 0)]
    assert first in listed


def test_an_item_is_found_by_symbol_in_any_case_only_in_its_own_list(alice, alice_list, tao):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    assert selectors.watchlist_item_get(watchlist=alice_list, symbol="tao").token == tao
    other = services.watchlist_create(owner=alice, name="Other")
    for watchlist, symbol in ((other, "TAO"), (alice_list, "BTC"), (alice_list, "X" * 500)):
        with pytest.raises(Http404):
            selectors.watchlist_item_get(watchlist=watchlist, symbol=symbol)


# --- Valuation -------------------------------------------------------------------------------


@pytest.fixture
def bags(frozen, alice_list, tao, btc, icp):
    """Lot A: 2 TAO at 95 $ bought 2026-02-04; lot B: 1 TAO at 130 $ bought 2026-02-05.

    V(t): 02-04 00:00-04:00 2x90 = 180 (the close of 02-03 23:00 carried over the gap),
    05:00 on 2x100 = 200; 02-05 00:00 3x120 = 360; 10:00 on 3x150 = 450 (the peak);
    02-06 06:00 3x110 = 330; now 3x99 = 297. Fall from peak 297/450 - 1 = -34 %.
    Cost 2x95 + 130 = 320, P&L -23 $ = -7.1875 %. BTC is watched without lots; ICP is held
    (1 at 10 $) but has no price yet.
    """
    prices(tao, [(at(moment), price) for moment, price in TAO_QUOTES])
    prices(btc, [(at("2026-02-06T12:00"), 64_000.0)])
    services.watchlist_add_token(
        watchlist=alice_list, symbol="TAO",
        lots=[lot("2", "95", "2026-02-04"), lot("1", "130", "2026-02-05")],
    )  # fmt: skip
    services.watchlist_add_token(watchlist=alice_list, symbol="BTC", note="benchmark")
    services.watchlist_add_token(watchlist=alice_list, symbol="ICP", lots=[lot("1", "10")])
    return alice_list


def test_a_position_is_valued_with_its_fall_from_peak_value(bags):
    tao = selectors.watchlist_items_with_valuation(watchlist=bags).items[0]
    assert tao.token.symbol == "TAO"
    assert (tao.quantity, tao.cost_usd) == (Decimal("3"), Decimal("320"))
    assert (tao.price_usd, tao.value_usd, tao.peak_value_usd) == (99.0, 297.0, 450.0)
    assert tao.drawdown_from_peak == pytest.approx(-0.34)
    assert tao.pnl_usd == pytest.approx(-23.0)
    assert tao.pnl_pct == pytest.approx(-0.071875)
    assert tao.weight == 1.0
    assert [lot.quantity for lot in tao.lots] == [2, 1]


def test_a_watched_token_without_lots_has_a_price_but_no_position_figures(bags):
    btc = selectors.watchlist_items_with_valuation(watchlist=bags).items[1]
    assert (btc.price_usd, btc.item.note) == (64_000.0, "benchmark")
    assert (btc.quantity, btc.cost_usd, btc.value_usd, btc.drawdown_from_peak) == (None,) * 4


def test_a_held_token_without_price_counts_in_cost_but_not_in_value(bags):
    valued = selectors.watchlist_items_with_valuation(watchlist=bags)
    icp = valued.items[2]
    assert (icp.quantity, icp.cost_usd, icp.price_usd, icp.value_usd) == (1, 10, None, None)
    totals = valued.totals
    assert (totals.items_count, totals.positions_count, totals.unpriced_count) == (3, 2, 1)
    assert (totals.value_usd, totals.cost_usd) == (297.0, Decimal("330"))
    assert totals.pnl_usd == pytest.approx(-23.0)  # against the cost of priced positions
    assert totals.pnl_pct == pytest.approx(-0.071875)
    assert totals.peak_value_usd == 450.0
    assert totals.drawdown_from_peak == pytest.approx(-0.34)


def test_the_value_series_is_the_hourly_total_with_its_drawdown(bags):
    series = selectors.watchlist_value_series(watchlist=bags)
    points = {t: (v, d) for t, v, d in series.points()}
    assert len(series) == 61  # 2026-02-04 00:00 to 2026-02-06 12:00, every hour
    assert points[at("2026-02-04T00:00")] == (180.0, 0.0)
    assert points[at("2026-02-04T05:00")] == (200.0, 0.0)
    assert points[at("2026-02-05T09:00")] == (360.0, 0.0)
    assert points[at("2026-02-05T10:00")] == (450.0, 0.0)
    assert points[at("2026-02-06T06:00")] == (330.0, pytest.approx(330 / 450 - 1))
    assert points[at("2026-02-06T12:00")] == (297.0, pytest.approx(-0.34))


def test_a_lot_without_date_counts_from_the_hour_it_was_added(alice_list, tao):
    prices(tao, [(at(moment), price) for moment, price in TAO_QUOTES])
    with time_machine.travel(datetime(2026, 2, 5, 10, 30, tzinfo=UTC), tick=False):
        services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot("1", "140")])
    with time_machine.travel(NOW, tick=False):
        (tao_item,) = selectors.watchlist_items_with_valuation(watchlist=alice_list).items
    # From 02-05 10:00: 150, then 110, then 99 now.
    assert (tao_item.peak_value_usd, tao_item.value_usd) == (150.0, 99.0)
    assert tao_item.drawdown_from_peak == pytest.approx(-0.34)


def test_the_last_close_before_a_purchase_fills_the_gap_after_it(frozen, alice_list, near):
    # NEAR: closes at 10 $ on 02-03 20:00, then nothing until 5 $ on 02-06 12:00. Bought on
    # 02-04: worth 10 $ from midnight (the close carried over the gap) until it fell to 5 $.
    prices(near, [(at("2026-02-03T20:00"), 10.0), (at("2026-02-06T12:00"), 5.0)])
    services.watchlist_add_token(
        watchlist=alice_list, symbol="NEAR", lots=[lot("1", "8", "2026-02-04")]
    )
    (item,) = selectors.watchlist_items_with_valuation(watchlist=alice_list).items
    assert (item.value_usd, item.peak_value_usd, item.drawdown_from_peak) == (5.0, 10.0, -0.5)


def test_an_empty_list_has_empty_totals_and_series(alice_list):
    valued = selectors.watchlist_items_with_valuation(watchlist=alice_list)
    assert valued.items == [] and len(valued.series) == 0
    assert valued.totals.items_count == 0
    assert (valued.totals.value_usd, valued.totals.cost_usd, valued.totals.pnl_usd) == (None,) * 3


def test_weights_split_the_value_between_priced_positions(frozen, alice_list, tao, btc):
    prices(tao, [(at("2026-02-06T12:00"), 100.0)])
    prices(btc, [(at("2026-02-06T12:00"), 300.0)])
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot(1, 1)])
    services.watchlist_add_token(watchlist=alice_list, symbol="BTC", lots=[lot(1, 1)])
    items = selectors.watchlist_items_with_valuation(watchlist=alice_list).items
    assert [item.weight for item in items] == [0.25, 0.75]


def held_list(owner, name: str, count: int):
    watchlist = services.watchlist_create(owner=owner, name=name)
    for n in range(count):
        token = TokenFactory(symbol=f"Q{n}")
        prices(token, [(at("2026-02-06T10:00"), 1.0 + n), (at("2026-02-06T12:00"), 2.0 + n)])
        services.watchlist_add_token(
            watchlist=watchlist, symbol=token.symbol,
            lots=[lot("1", "1", "2026-02-06"), lot("2", "1")],
        )  # fmt: skip
    return watchlist


def test_valuing_a_list_takes_the_same_few_queries_for_5_or_50_items(frozen, alice):
    counts = []
    for name, size in (("small", 5), ("large", 50)):
        watchlist = held_list(alice, name, size)
        with CaptureQueriesContext(connection) as queries:
            valued = selectors.watchlist_items_with_valuation(watchlist=watchlist)
            [(i.token.symbol, i.lots, i.item.token.metrics.price_usd) for i in valued.items]
        assert len(valued.items) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] == 3  # items with tokens and metrics, lots, hourly closes


def test_the_lots_a_valuation_reads_are_the_saved_lots_as_the_orm_reads_them(frozen, alice_list):
    # The valuation builds its lots the fast way (a binary read, no Model.__init__ on
    # PostgreSQL): the same values, of the same types, saved instances that update their row.
    prices(TokenFactory(symbol="TAO"), [(at("2026-02-06T12:00"), 100.0)])
    item = services.watchlist_add_token(
        watchlist=alice_list, symbol="TAO",
        lots=[lot("1.5", "0.000000000001", "2026-02-01"), lot("1000000000000", "1000000000")],
    )  # fmt: skip
    keyed = services.lot_add(item=item, quantity="2", cost_basis_usd="3", form_key=uuid.uuid4())
    (valued,) = selectors.watchlist_items_with_valuation(watchlist=alice_list).items
    fields = [field.attname for field in Lot._meta.concrete_fields]
    expected = [[getattr(saved, name) for name in fields] for saved in Lot.objects.order_by("id")]
    assert [[getattr(read, name) for name in fields] for read in valued.lots] == expected
    read = valued.lots[-1]
    saved = Lot.objects.get(pk=keyed.pk)
    assert [type(getattr(read, name)) for name in fields] == [
        type(getattr(saved, name)) for name in fields
    ]
    assert read.created_at.utcoffset() == timedelta(0) and str(read.form_key) == str(keyed.form_key)
    assert (read._state.adding, read._state.db) == (False, "default")
    with CaptureQueriesContext(connection) as queries:
        assert read.item == item and read.pk == keyed.pk
    assert len(queries) == 0
    read.quantity = Decimal("4")
    read.save(update_fields=["quantity"])
    assert Lot.objects.count() == 3 and Lot.objects.get(pk=keyed.pk).quantity == 4


# --- Sharing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "bad token with spaces!!", None])
def test_a_malformed_share_token_is_a_404(token):
    with pytest.raises(Http404):
        selectors.watchlist_get_shared(share_token=token)


def test_a_visitor_without_amounts_sees_tokens_and_percentages_only(bags):
    services.watchlist_share_set(watchlist=bags, is_public=True)
    watchlist, hide_amounts = selectors.watchlist_get_shared(share_token=bags.share_token)
    assert hide_amounts
    valued = selectors.watchlist_items_with_valuation(watchlist=watchlist).amounts_hidden()
    tao = valued.items[0]
    assert tao.token.symbol == "TAO"
    assert (tao.quantity, tao.cost_usd, tao.value_usd, tao.pnl_usd, tao.peak_value_usd) == (
        (None,) * 5
    )
    assert tao.pnl_pct == pytest.approx(-0.071875)
    assert tao.drawdown_from_peak == pytest.approx(-0.34)
    assert (valued.totals.value_usd, valued.totals.cost_usd, valued.totals.pnl_usd) == (None,) * 3
    assert valued.totals.drawdown_from_peak == pytest.approx(-0.34)
    assert all(value is None for _, value, _ in valued.series.points())


def test_a_share_link_shows_lots_and_amounts_only_when_the_owner_allows(bags):
    services.watchlist_share_set(watchlist=bags, is_public=True)
    hidden = selectors.watchlist_shared_valuation(share_token=bags.share_token)
    assert hidden.items[0].lots == [] and hidden.items[0].value_usd is None
    services.watchlist_share_set(watchlist=bags, is_public=True, show_amounts=True)
    shown = selectors.watchlist_shared_valuation(share_token=bags.share_token)
    assert len(shown.items[0].lots) == 2 and shown.items[0].value_usd == 297.0
    services.watchlist_share_set(watchlist=bags, is_public=False)
    with pytest.raises(Http404):
        selectors.watchlist_shared_valuation(share_token=shown.watchlist.share_token or "x" * 32)


# --- Performance: buying during a fall -------------------------------------------------------


@pytest.fixture
def averaged_down(frozen, alice_list, near):
    """NEAR: 10 $ on 02-03, 8 $ on 02-04, 5 $ on 02-05 (1 NEAR bought on each day), 6 $ now.

    Value: 02-03 10, 02-04 2x8 = 16, 02-05 3x5 = 15, now 3x6 = 18 (a new value "peak" made of
    added money). Performance: the price, 6/10 - 1 = -40 % below its peak of 10 $.
    """
    prices(near, [(at("2026-02-03T00:00"), 10.0), (at("2026-02-04T00:00"), 8.0),
                  (at("2026-02-05T00:00"), 5.0), (at("2026-02-06T12:00"), 6.0)])  # fmt: skip
    services.watchlist_add_token(
        watchlist=alice_list, symbol="NEAR",
        lots=[lot("1", "10", "2026-02-03"), lot("1", "8", "2026-02-04"),
              lot("1", "5", "2026-02-05")],
    )  # fmt: skip
    return alice_list


def test_averaging_down_shows_a_value_high_but_the_performance_fall(averaged_down):
    valued = selectors.watchlist_items_with_valuation(watchlist=averaged_down)
    near = valued.items[0]
    assert (near.value_usd, near.peak_value_usd, near.drawdown_from_peak) == (18.0, 18.0, 0.0)
    assert near.performance_drawdown == pytest.approx(-0.4)
    assert valued.totals.drawdown_from_peak == 0.0
    assert valued.totals.performance_drawdown == pytest.approx(-0.4)


def test_the_chart_drawdown_does_not_jump_back_to_zero_on_a_purchase(averaged_down):
    points = {t: (v, d) for t, v, d in selectors.watchlist_value_series(
        watchlist=averaged_down).points()}  # fmt: skip
    assert points[at("2026-02-04T00:00")] == (16.0, pytest.approx(-0.2))
    assert points[at("2026-02-05T00:00")] == (15.0, pytest.approx(-0.5))
    assert points[at("2026-02-06T12:00")] == (18.0, pytest.approx(-0.4))


# --- The market clock (demo data end in February 2026, markets/clock.py) ----------------------


def test_a_lot_added_months_after_the_last_price_counts_from_that_price(alice_list, tao):
    prices(tao, [(at(text), price) for text, price in TAO_QUOTES])  # the latest: Feb 6, 12:00
    with time_machine.travel(datetime(2026, 11, 30, 9, 15, tzinfo=UTC), tick=False):
        services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot("2", "150")])
        dated = services.watchlist_create(owner=alice_list.owner, name="Dated")
        services.watchlist_add_token(
            watchlist=dated, symbol="TAO", lots=[lot("2", "150", "2026-11-01")]
        )

    for watchlist in (alice_list, dated):
        valued = selectors.watchlist_items_with_valuation(watchlist=watchlist)
        # One valued hour, the last price's: 2 x 99 $, its own peak.
        assert valued.series.points() == [[at("2026-02-06T12:00"), 198.0, 0.0]]
        assert (valued.totals.value_usd, valued.totals.drawdown_from_peak) == (198.0, 0.0)


def test_the_pnl_is_the_exact_decimal_of_the_value_less_the_cost_of_awkward_lots(
    frozen, alice_list, tao
):
    """Quantities and costs with many decimals: the P&L is the float value's exact Decimal
    less the exact cost (to 28 digits, not a float's 17), its ratio the one the pages and the
    API have always shown, and the page's P&L its value less its cost as shown, to the cent."""
    prices(tao, [(at(moment), price) for moment, price in TAO_QUOTES])  # TAO now: 99 $
    services.watchlist_add_token(
        watchlist=alice_list, symbol="TAO",
        lots=[lot("0.1", "33.333333333333"), lot("2.000000000000000001", "0.01")],
    )  # fmt: skip
    valued = selectors.watchlist_items_with_valuation(watchlist=alice_list)
    tao_valued = valued.items[0]

    assert tao_valued.cost_usd == Decimal("3.35333333333330000001")  # 0.1 x 33.33… + 0.02…
    assert tao_valued.value_usd == 207.9  # (0.1 + 2.0) x 99.0, a float: 207.90000000000000568…
    # 207.900000000000005684341886080801… - 3.35333333333330000001, to 28 digits; a float
    # P&L would be 204.54666666666667.
    assert tao_valued.pnl_usd == Decimal("204.5466666666667056843318861")
    assert valued.totals.pnl_usd == tao_valued.pnl_usd
    assert tao_valued.pnl_pct == valued.totals.pnl_pct == 60.99801192843004
    shown = selectors.watchlist_valuation_as_shown(valuation=valued)
    assert (shown.totals.value_usd, shown.totals.cost_usd, shown.totals.pnl_usd) == (
        Decimal("207.90"), Decimal("3.35"), Decimal("204.55"),
    )  # fmt: skip
