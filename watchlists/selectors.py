"""Reads of watchlists for pages and the API; each a fixed number of queries.

``watchlist_get_for_user`` is THE way to look a watchlist up for a user: another user's (staff
included) or a missing one is a 404, never a 403, so ids reveal nothing.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from django.db import connection
from django.db.models import Count, Prefetch, QuerySet
from django.db.models.base import ModelState
from django.db.models.functions import Lower
from django.http import Http404
from django.utils.translation import gettext as _

from core.ids import id_from_url
from core.numbers import usd_shown
from markets.models import PriceDayCloses
from markets.symbols import symbol_lookup_key
from watchlists import valuation, valuation_batch
from watchlists.csv_io import csv_write
from watchlists.models import Lot, Watchlist, WatchlistItem
from watchlists.valuation import ValueSeries
from watchlists.valuation_batch import BatchFigures, DayCloses, Lots

_SHARE_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _pk(value) -> int:
    return id_from_url(value, missing=_("No such watchlist."))


def watchlist_get_for_user(*, user, pk: int | str) -> Watchlist:
    """The user's own watchlist ``pk``; Http404 for anyone else's (staff too) or a missing one."""
    pk = _pk(pk)
    if not getattr(user, "is_authenticated", False):
        raise Http404(_("No such watchlist."))
    try:
        return Watchlist.objects.get(pk=pk, owner_id=user.pk)
    except Watchlist.DoesNotExist:
        raise Http404(_("No watchlist %(id)s.") % {"id": pk}) from None


# The orderings a list of watchlists takes: the owner's own order, or by name (whatever
# its case, as names are unique) or creation, '-' first for descending.
WATCHLIST_ORDERINGS = {
    "position": ("position", "id"),
    "name": (Lower("name"), "id"),
    "-name": (Lower("name").desc(), "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}


def watchlist_list_for_user(*, user, ordering: str = "position") -> QuerySet[Watchlist]:
    """The user's watchlists in their order (or a WATCHLIST_ORDERINGS one), each with
    ``items_count``; one query."""
    return (
        Watchlist.objects.filter(owner_id=user.pk)
        .annotate(items_count=Count("items"))
        .order_by(*WATCHLIST_ORDERINGS[ordering])
    )


class SharedWatchlist(NamedTuple):
    watchlist: Watchlist
    hide_amounts: bool


def watchlist_get_shared(*, share_token: str) -> SharedWatchlist:
    """The public watchlist behind a share link, and whether visitors must not see amounts
    (quantities, costs, values); Http404 for an unknown, revoked or malformed token."""
    if not isinstance(share_token, str) or not _SHARE_TOKEN_RE.match(share_token):
        raise Http404(_("No such shared watchlist."))
    try:
        watchlist = Watchlist.objects.get(share_token=share_token, is_public=True)
    except Watchlist.DoesNotExist:
        raise Http404(_("No such shared watchlist.")) from None
    return SharedWatchlist(watchlist, hide_amounts=not watchlist.show_amounts)


# --- Valuation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemValuation:
    """One item with its lots and what its position is worth. Without lots (a watched token)
    the position figures are None. Money: cost and P&L Decimal (exact), market values float."""

    item: WatchlistItem
    quantity: Decimal | None
    cost_usd: Decimal | None
    price_usd: float | None
    value_usd: float | Decimal | None = None  # Decimal once as shown (item_valuation_as_shown)
    pnl_usd: Decimal | None = None  # the float value's exact Decimal less the cost
    pnl_pct: float | None = None
    peak_value_usd: float | None = None
    drawdown_from_peak: float | None = None
    performance_drawdown: float | None = None  # the price's fall since first held
    weight: float | None = None  # fraction of the list's value
    amounts_visible: bool = True
    lot_list: list[Lot] = field(default_factory=list, repr=False)  # the item's lots in order

    @property
    def token(self):
        return self.item.token

    @property
    def lots(self) -> list[Lot]:
        """The lots, or none at all when amounts are hidden (render these, not item.lots)."""
        return list(self.lot_list) if self.amounts_visible else []

    def amounts_hidden(self) -> ItemValuation:
        return replace(self, quantity=None, cost_usd=None, value_usd=None, pnl_usd=None,
                       peak_value_usd=None, amounts_visible=False)  # fmt: skip


@dataclass(frozen=True)
class WatchlistTotals:
    """value: positions with a price; cost: every lot; P&L: priced positions against their
    cost. Peak and drawdown: the total value now against its hourly peak (money view).
    Performance drawdown: the time-weighted return index now against its peak (purchases
    leave it unmoved, see valuation)."""

    items_count: int
    positions_count: int
    unpriced_count: int
    value_usd: Decimal | None  # the exact sum of the positions' (float) values
    cost_usd: Decimal | None
    pnl_usd: Decimal | None
    pnl_pct: float | None
    peak_value_usd: float | Decimal | None
    drawdown_from_peak: float | None
    performance_drawdown: float | None = None


@dataclass(frozen=True)
class WatchlistValuation:
    watchlist: Watchlist
    items: list[ItemValuation]
    totals: WatchlistTotals
    series: ValueSeries

    def amounts_hidden(self) -> WatchlistValuation:
        """For visitors of a share link without show_amounts: percentages only."""
        return WatchlistValuation(
            self.watchlist,
            [item.amounts_hidden() for item in self.items],
            replace(self.totals, value_usd=None, cost_usd=None, pnl_usd=None,
                    peak_value_usd=None),
            self.series.amounts_hidden(),
        )  # fmt: skip


def _item_as_shown(valued: ItemValuation) -> ItemValuation:
    if valued.quantity is None or valued.cost_usd is None:  # watched only, or amounts hidden
        return valued
    lot_costs = (usd_shown(lot.quantity * lot.cost_basis_usd) for lot in valued.lot_list)
    cost = sum(lot_costs, Decimal(0))
    if valued.value_usd is None:
        return replace(valued, cost_usd=cost)
    value = usd_shown(valued.value_usd)
    return replace(valued, value_usd=value, cost_usd=cost, pnl_usd=value - cost)


def item_valuation_as_shown(*, valued: ItemValuation) -> ItemValuation:
    """The position's money as the page shows it, adding up to the cent: each lot's cost
    rounded as shown, the position's cost their sum, its value rounded as shown and its P&L
    the difference of the two (Decimals). Percentages and peaks stay exact."""
    return _item_as_shown(valued)


def watchlist_valuation_as_shown(*, valuation: WatchlistValuation) -> WatchlistValuation:
    """The list's money as the page shows it: every position as ``item_valuation_as_shown``
    and each total the sum of the rows' shown amounts, so a column adds up to its total and
    the total P&L is the total value less the cost of the priced positions, to the cent (the
    peak is never shown below that value)."""
    items = [_item_as_shown(valued) for valued in valuation.items]
    totals = valuation.totals
    positions = [v for v in items if v.quantity is not None and v.cost_usd is not None]
    priced = [v for v in positions if v.value_usd is not None]
    if totals.value_usd is not None:
        value = sum((v.value_usd for v in priced), Decimal(0))
        totals = replace(totals, value_usd=value)
        if totals.peak_value_usd is not None:  # never a cent below the value it peaks
            totals = replace(totals, peak_value_usd=max(usd_shown(totals.peak_value_usd), value))
    if totals.cost_usd is not None:
        totals = replace(totals, cost_usd=sum((v.cost_usd for v in positions), Decimal(0)))
    if totals.pnl_usd is not None:
        totals = replace(totals, pnl_usd=sum((v.pnl_usd for v in priced), Decimal(0)))
    return replace(valuation, items=items, totals=totals)


def _items_query(watchlist: Watchlist) -> QuerySet[WatchlistItem]:
    lots = Prefetch("lots", queryset=Lot.objects.order_by("id"))
    return (
        WatchlistItem.objects.filter(watchlist=watchlist)
        .select_related("token__metrics")
        .prefetch_related(lots)
        .order_by("position", "id")
    )


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def lot_start(lot: Lot, *, priced_until: datetime | None = None) -> int:
    """When a lot starts counting: midnight UTC of its purchase date, else the hour it was
    added (epoch seconds); never after the hour of the token's latest price
    (``priced_until``): a lot added after the market's now (demo data end in February 2026,
    markets/clock.py) counts from that price, like the position's value does."""
    if lot.purchased_at is not None:  # its days since 1970-01-01 (datetime.combine: slower)
        start = (lot.purchased_at.toordinal() - _EPOCH_ORDINAL) * _DAY
    else:
        start = valuation.hour_floor(_epoch(lot.created_at))
    if priced_until is not None:
        start = min(start, valuation.hour_floor(_epoch(priced_until)))
    return start


_DAYS = PriceDayCloses._meta.db_table
_DAY = 86_400
_PACKED_DAY = np.dtype([("day", ">i4"), ("closes", ">f8", (24,))])


def _day_closes_load(starts: dict[int, int], rows: dict[int, int]) -> DayCloses:
    """The packed day closes of the tokens ``starts`` (token id -> start, epoch seconds) from
    their start on, beginning with the last day with a close before the start's day (its last
    close fills the first hours of a gap), as DayCloses of the positions ``rows`` (token id ->
    row). One query whatever the number of tokens, one packed row per token-day."""
    if not starts:
        return DayCloses.empty()
    days = [datetime.fromtimestamp(start - start % _DAY, UTC).date() for start in starts.values()]
    if connection.vendor == "postgresql":
        return _day_closes_postgresql(list(starts), days, rows)
    day_field = PriceDayCloses._meta.get_field("day")
    params = []
    for token_id, day in zip(starts, days, strict=True):
        params += [token_id, day_field.get_db_prep_value(day, connection)]
    sql = (
        f"WITH starts (token_id, since) AS (VALUES {', '.join(['(%s, %s)'] * len(starts))})"
        f" SELECT d.token_id, d.day, d.closes FROM starts s JOIN {_DAYS} d"
        f" ON d.token_id = s.token_id WHERE d.day >= {_SINCE} ORDER BY d.token_id, d.day"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _unpacked(cursor.fetchall(), rows)


_SINCE = (  # the day of the last close before the start's day, else the start's day
    f"COALESCE((SELECT MAX(p.day) FROM {_DAYS} p"
    " WHERE p.token_id = s.token_id AND p.day < s.since), s.since)"
)
# One row per token: each of its days (since 1970-01-01) followed by its 24 closes, packed
# token by token (LATERAL: no sort of every row, which would spill to disk), read in binary.
_DAY_CLOSES_POSTGRESQL = (
    "WITH starts (token_id, since) AS (SELECT * FROM unnest(%s::bigint[], %s::date[]))"
    " SELECT s.token_id, a.packed FROM starts s CROSS JOIN LATERAL ("
    "SELECT string_agg(int4send(d.day - DATE '1970-01-01') || d.closes, ''::bytea"
    f" ORDER BY d.day) packed FROM {_DAYS} d WHERE d.token_id = s.token_id"
    f" AND d.day >= {_SINCE}) a WHERE a.packed IS NOT NULL"
)


def _day_closes_postgresql(token_ids: list[int], days: list[date], rows: dict[int, int]):
    with _binary_cursor() as cursor:
        cursor.execute(_DAY_CLOSES_POSTGRESQL, [token_ids, days])
        found = cursor.fetchall()
    packed = np.frombuffer(b"".join(blob for _, blob in found), _PACKED_DAY)
    return DayCloses(
        np.repeat(
            np.array([rows[token_id] for token_id, _ in found], np.int64),
            [len(blob) // _PACKED_DAY.itemsize for _, blob in found],
        ),
        packed["day"].astype(np.int64) * _DAY,
        packed["closes"],  # big-endian: converted once, on their way into the matrix
    )


@functools.cache
def _binary_cursor_class() -> type:
    import psycopg  # only with PostgreSQL

    class BinaryCursor(psycopg.Cursor):
        def execute(self, query, params=None, **options):
            # Never a named prepared statement: Django's own cursors use none either.
            return super().execute(query, params, prepare=False, binary=True)

    return BinaryCursor


def _binary_cursor():
    """A PostgreSQL cursor receiving results in binary (the packed closes as they are, not
    as hex text: half the read), wrapped and logged by Django like any other query."""
    connection.ensure_connection()
    raw = _binary_cursor_class()(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def _floats(packed: bytes) -> np.ndarray:
    """Big-endian packed closes -> (days x 24) float64."""
    return np.frombuffer(packed, dtype=">f8").astype(np.float64).reshape(-1, 24)


def _unpacked(found: list[tuple], rows: dict[int, int]) -> DayCloses:
    """(token id, day, 24 packed closes) rows in order (SQLite) -> DayCloses."""
    days = [
        calendar.timegm((date.fromisoformat(day) if isinstance(day, str) else day).timetuple())
        for _, day, _ in found
    ]  # a str: SQLite without the date converter
    return DayCloses(
        np.array([rows[token_id] for token_id, _, _ in found], dtype=np.int64),
        np.array(days, dtype=np.int64),
        _floats(b"".join(bytes(closes) for _, _, closes in found)),
    )


def _valuate(
    watchlist: Watchlist, items: list[WatchlistItem], lots: dict[int, list[Lot]]
) -> WatchlistValuation:
    """Value ``items`` with their ``lots`` (item id -> lots in order): one query for the
    closes, then every position at once (valuation_batch)."""
    held = [item for item in items if lots.get(item.pk)]
    rows = {item.token_id: row for row, item in enumerate(held)}
    lot_rows, lot_starts, quantities, prices, starts = [], [], [], [], {}
    for row, item in enumerate(held):
        metrics = getattr(item.token, "metrics", None)
        until = metrics.as_of if metrics is not None else None
        prices.append(metrics.price_usd if metrics is not None else float("nan"))
        item_starts = [lot_start(lot, priced_until=until) for lot in lots[item.pk]]
        starts[item.token_id] = min(item_starts)
        lot_starts += item_starts
        lot_rows += [row] * len(item_starts)
        quantities += [float(lot.quantity) for lot in lots[item.pk]]
    figures, series = valuation_batch.positions_valued(
        count=len(held),
        lots=Lots(np.array(lot_rows, dtype=np.int64), np.array(lot_starts, dtype=np.int64),
                  np.array(quantities, dtype=np.float64)),
        prices_now=np.array(prices, dtype=np.float64),
        day_closes=_day_closes_load(starts, rows),
    )  # fmt: skip
    valued = [_item_valued(item, lots.get(item.pk, []), figures, rows) for item in items]
    return WatchlistValuation(watchlist, *_weighted(valued, series), series)


def _item_valued(
    item: WatchlistItem, lots: list[Lot], figures: BatchFigures, rows: dict[int, int]
) -> ItemValuation:
    metrics = getattr(item.token, "metrics", None)
    price = metrics.price_usd if metrics is not None else None
    if not lots:
        return ItemValuation(item, None, None, price, lot_list=lots)
    quantity = sum((lot.quantity for lot in lots), Decimal(0))
    cost = sum((lot.quantity * lot.cost_basis_usd for lot in lots), Decimal(0))
    if price is None:
        return ItemValuation(item, quantity, cost, None, lot_list=lots)
    row = rows[item.token_id]
    value = float(figures.values[row])
    return ItemValuation(  # the P&L exact: the (float) value less the exact cost, as Decimals
        item, quantity, cost, price, value_usd=value, pnl_usd=Decimal(value) - cost,
        pnl_pct=valuation.pnl_ratio(value, float(cost)),
        peak_value_usd=float(figures.peaks[row]),
        drawdown_from_peak=float(figures.drawdowns[row]),
        performance_drawdown=float(figures.performance_drawdowns[row]), lot_list=lots,
    )  # fmt: skip


def _weighted(
    valued: list[ItemValuation], series: ValueSeries
) -> tuple[list[ItemValuation], WatchlistTotals]:
    priced = [v for v in valued if v.value_usd is not None]
    positions = [v for v in valued if v.quantity is not None]
    value = sum(v.value_usd for v in priced)
    if value > 0:
        valued = [v if v.value_usd is None else replace(v, weight=v.value_usd / value)
                  for v in valued]  # fmt: skip
    cost = sum((v.cost_usd for v in positions), Decimal(0))
    pnl_usd = pnl_pct = peak = drawdown = None
    exact_value = sum((Decimal(v.value_usd) for v in priced), Decimal(0))
    if priced:
        pnl_pct = valuation.pnl_ratio(value, float(sum(v.cost_usd for v in priced)))
        pnl_usd = sum((v.pnl_usd for v in priced), Decimal(0))  # exact: floats lose dollars
        peak, drawdown = valuation.peak_and_drawdown(series.values, value)
    totals = WatchlistTotals(
        items_count=len(valued), positions_count=len(positions),
        unpriced_count=len(positions) - len(priced),
        value_usd=exact_value if positions else None,
        cost_usd=cost if positions else None, pnl_usd=pnl_usd, pnl_pct=pnl_pct,
        peak_value_usd=peak, drawdown_from_peak=drawdown,
        performance_drawdown=series.performance_drawdown_now if priced else None,
    )  # fmt: skip
    return valued, totals


def watchlist_items_with_valuation(*, watchlist: Watchlist) -> WatchlistValuation:
    """Every item in order (token, metrics, lots) valued, the list's totals and its hourly
    value series. Three queries whatever the number of items."""
    items = WatchlistItem.objects.filter(watchlist=watchlist).select_related("token__metrics")
    items = {item.pk: item for item in items.order_by("position", "id")}
    lots: dict[int, list[Lot]] = {}
    item_cache = Lot._meta.get_field("item")
    for lot in _lots_load(watchlist):
        if (item := items.get(lot.item_id)) is not None:  # else added in between: not listed
            item_cache.set_cached_value(lot, item)  # lot.item without a query
            lots.setdefault(lot.item_id, []).append(lot)
    return _valuate(watchlist, list(items.values()), lots)


_LOT_COLUMNS = [field.attname for field in Lot._meta.concrete_fields]


def _lots_load(watchlist: Watchlist) -> list[Lot]:
    """The list's lots in order, as model instances, built the fast way: a list may hold
    500 x 1,000 of them, and most of its valuation went in building them. On PostgreSQL the
    rows are read in binary (Django's loader parses each ``created_at`` from text in Python),
    and each instance gets its row's values without ``Model.__init__`` (which sets every field
    through its descriptor and sends the init signals, which nothing listens to for a Lot):
    14,000 lots went from 250 to 70 ms of CPU."""
    lots = Lot.objects.filter(item__watchlist=watchlist).order_by("id")
    if connection.vendor != "postgresql":
        return list(lots)
    sql, params = lots.values_list(*_LOT_COLUMNS).query.sql_with_params()
    with _binary_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    alias = connection.alias  # once: each read of it goes through a thread-local
    return [_lot_from_row(row, alias) for row in rows]


def _lot_from_row(row: tuple, alias: str) -> Lot:
    """What ``Lot.from_db`` makes of a row of ``_LOT_COLUMNS`` (a saved lot of database
    ``alias``), without calling ``__init__``."""
    lot = Lot.__new__(Lot)
    lot.__dict__.update(zip(_LOT_COLUMNS, row, strict=True))
    lot._state = ModelState()
    lot._state.adding, lot._state.db = False, alias
    return lot


def watchlist_shared_valuation(*, share_token: str) -> WatchlistValuation:
    """What a visitor of a share link may see: the valued list, with quantities, costs, values
    and lots taken out unless the owner shows amounts. Http404 for a bad or revoked token."""
    watchlist, hide_amounts = watchlist_get_shared(share_token=share_token)
    valued = watchlist_items_with_valuation(watchlist=watchlist)
    return valued.amounts_hidden() if hide_amounts else valued


def watchlist_value_series(*, watchlist: Watchlist) -> ValueSeries:
    """The list's total value at each hour, with its fall from the running peak; for charts
    (``.points()`` gives [[epoch seconds, value USD, drawdown], …])."""
    return watchlist_items_with_valuation(watchlist=watchlist).series


def watchlist_item_get(*, watchlist: Watchlist, symbol: str) -> WatchlistItem:
    """The item of this token (symbol in any case) with token, metrics and lots; Http404."""
    symbol = symbol_lookup_key(symbol)
    if not symbol or len(symbol) > 20 or "\x00" in symbol:
        raise Http404(_("No such token in this watchlist."))
    try:
        item = _items_query(watchlist).get(token__symbol=symbol)
    except WatchlistItem.DoesNotExist:
        raise Http404(_("%(symbol)s is not in this watchlist.") % {"symbol": symbol}) from None
    item.watchlist = watchlist
    return item


def item_with_valuation(*, item: WatchlistItem) -> ItemValuation:
    """One item valued on its own (its weight is left None); one query for its history."""
    lots = {item.pk: list(item.lots.all())}
    return replace(_valuate(item.watchlist, [item], lots).items[0], weight=None)


# --- CSV export -------------------------------------------------------------------------------


def positions_export_csv(*, watchlist: Watchlist) -> str:
    """The list as a positions CSV (csv_io.HEADER): one row per lot, one row with empty
    amounts for an item without lots; ``positions_import_csv`` reads it back."""
    items = WatchlistItem.objects.filter(watchlist=watchlist).select_related("token")
    items = items.prefetch_related(Prefetch("lots", queryset=Lot.objects.order_by("id")))
    rows = []
    for item in items.order_by("position", "id"):
        lots = list(item.lots.all())
        if not lots:
            rows.append((item.token.symbol, None, None, None, item.note))
        for lot in lots:
            rows.append(
                (item.token.symbol, lot.quantity, lot.cost_basis_usd, lot.purchased_at, item.note)
            )
    return csv_write(rows)
