"""One watchlist's page: its items with their valuation and value chart, the token search of
its add panel, its sharing settings, and the public page of a shared list."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, quote, urlsplit

import numpy as np
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from core.cache import fragment_cached
from core.paging import page_number
from markets.charts import annotations_for, downsample_last
from markets.clock import data_freshness
from markets.models import Token, TokenMetrics
from watchlists import selectors, services
from watchlists.forms import SEARCH_MAX_LENGTH, ItemAddForm
from watchlists.models import Watchlist, WatchlistItem
from watchlists.valuation import ValueSeries
from watchlists.views.common import (
    is_partial,
    owner_page,
    render_page,
    token_metrics,
    vanished_as_404,
    watchlist_for,
)

SEARCH_LIMIT = 10
ITEMS_PER_PAGE = 50  # rows of a list's table; its totals and chart count every item
SHARE_MESSAGES = {
    "public": gettext_lazy("The list is public: anyone with the link can see it."),
    "amounts": gettext_lazy("Sharing settings saved."),
    "rotate": gettext_lazy("New link made: the old one no longer works."),
    "private": gettext_lazy("The list is private again: its link no longer works."),
}


# --- The page -----------------------------------------------------------------------------


def freshness(valuation: selectors.WatchlistValuation) -> dict:
    """The latest price time among the items, as the market pages show it."""
    metrics = [m for v in valuation.items if (m := token_metrics(v.token)) is not None]
    if not metrics:
        return data_freshness(as_of=None)
    return data_freshness(
        as_of=max(m.as_of for m in metrics), updated_at=max(m.computed_at for m in metrics)
    )


def value_chart(series: ValueSeries) -> dict:
    """The list's total value (left out when amounts are hidden) and its fall from the running
    peak, at most markets.charts.MAX_POINTS points each; with the figures of the chart note."""
    if not len(series):
        return {"count": 0}
    times, drawdowns = downsample_last(series.times, series.drawdowns)
    chart = {
        "count": len(times),
        "drawdown_now": float(series.drawdowns[-1]),
        "series": {
            "value": [],
            "drawdown": [[t, round(d, 6)] for t, d in zip(times, drawdowns, strict=True)],
        },
    }
    if series.values is not None:
        _value_chart_values(chart, series)
    return chart


def _value_chart_values(chart: dict, series: ValueSeries) -> None:
    times, values = downsample_last(series.times, series.values)
    peak = int(np.argmax(series.values))
    chart["series"]["value"] = [[t, round(v, 2)] for t, v in zip(times, values, strict=True)]
    chart |= {
        "peak": float(series.values[peak]),
        "peak_at": datetime.fromtimestamp(int(series.times[peak]), UTC),
        "last": float(series.values[-1]),
    }


def _value_chart_annotate(chart: dict, watchlist: Watchlist, items) -> None:
    """The events of the apps above on the chart (core/charts.py), over its span. Cached
    under the data version (staff's changes to events bump it) for this set of tokens."""
    if chart["count"]:
        points = chart["series"]["value"] or chart["series"]["drawdown"]
        tokens = sorted(item.token.pk for item in items)
        chart["series"]["annotations"] = fragment_cached(
            "watchlist-annotations", watchlist.pk, tokens, points[0][0], points[-1][0],
            build=lambda: annotations_for(kind="watchlist", obj=watchlist, points=points),
        )  # fmt: skip


def _share_context(request, watchlist: Watchlist) -> dict:
    url = None
    if watchlist.is_public:
        url = request.build_absolute_uri(reverse("watchlists:shared", args=[watchlist.share_token]))
    return {"share_url": url}


def items_page(request, items: list, per_page: int | None = None) -> Page:
    """The page of a list's rows to show: ``?page=``, or, for an htmx action posted from
    the page (a move, a removal), the page of the address the user is on."""
    number = request.GET.get("page")
    if number is None and request.htmx and request.htmx.current_url:
        number = parse_qs(urlsplit(request.htmx.current_url).query).get("page", [None])[0]
    return Paginator(items, per_page or ITEMS_PER_PAGE).get_page(page_number(number))


def page_url(path: str, page: Page) -> str:
    """The address of this page of rows (what the live bar polls)."""
    return path if page.number == 1 else f"{path}?page={page.number}"


# Stands for a symbol in URLs reversed once per page; matches the symbol converter.
_STAND_IN = "STANDIN0SYMBOL"


def _item_rows(watchlist: Watchlist, page: Page) -> list[tuple]:
    """Each item of the page with its four links and its place in the whole list (what the
    move buttons post). Reversed once per page with a stand-in symbol, then filled in quoted
    as ``reverse`` quotes (forty reverses cost ~1.5 ms a page). A token staff deactivated
    has no page (a 404): its link is None."""
    patterns = {
        "token": reverse("markets:token-detail", args=[_STAND_IN]),
        "move": reverse("watchlists:item-move", args=[watchlist.pk, _STAND_IN]),
        "lots": reverse("watchlists:item-detail", args=[watchlist.pk, _STAND_IN]),
        "remove": reverse("watchlists:item-remove", args=[watchlist.pk, _STAND_IN]),
    }
    rows = []
    last = page.paginator.count - 1
    for index, item in enumerate(page.object_list, start=page.start_index() - 1):
        symbol = quote(item.token.symbol, safe=RFC3986_SUBDELIMS + "/~:@")
        urls = {name: url.replace(_STAND_IN, symbol) for name, url in patterns.items()}
        if not item.token.is_active:
            urls["token"] = None
        rows.append((item, urls, {"index": index, "first": index == 0, "last": index == last}))
    return rows


def detail_context(request, watchlist: Watchlist, **extra) -> dict:
    valuation = selectors.watchlist_valuation_as_shown(
        valuation=selectors.watchlist_items_with_valuation(watchlist=watchlist)
    )
    page = items_page(request, valuation.items)
    context = {
        "watchlist": watchlist,
        "valuation": valuation,
        "page": page,
        "item_rows": _item_rows(watchlist, page),
        "freshness": freshness(valuation),
        "live_url": page_url(reverse("watchlists:detail", args=[watchlist.pk]), page),
        "add_form": ItemAddForm(),
        **_share_context(request, watchlist),
    }
    if not is_partial(request):
        context["chart"] = value_chart(valuation.series)
        _value_chart_annotate(context["chart"], watchlist, valuation.items)
    return context | extra


def live(request, watchlist: Watchlist):
    """After a change to the items: the refreshed items and totals (htmx), else the page."""
    if is_partial(request):
        context = detail_context(request, watchlist)
        return render_page(request, "watchlists/detail.html", context, partial="live")
    return redirect("watchlists:detail", pk=watchlist.pk)


@owner_page
@require_safe
def detail(request, pk):
    watchlist = watchlist_for(request, pk)
    context = detail_context(request, watchlist)
    return render_page(request, "watchlists/detail.html", context, partial="live")


# --- Token search -------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    token: Token
    metrics: TokenMetrics | None
    in_list: bool


def tokens_search(watchlist: Watchlist, query: str) -> list[SearchResult]:
    """Active tokens whose symbol or name contains the query: exact symbol first, then symbols
    and names starting with it; two queries."""
    if not query:
        return []
    rank = Case(
        When(symbol__iexact=query, then=Value(0)),
        When(symbol__istartswith=query, then=Value(1)),
        When(name__istartswith=query, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    tokens = list(
        Token.objects.filter(is_active=True)
        .filter(Q(symbol__icontains=query) | Q(name__icontains=query))
        .select_related("metrics")
        .annotate(rank=rank)
        .order_by("rank", "symbol")[:SEARCH_LIMIT]
    )
    held = set(
        WatchlistItem.objects.filter(watchlist=watchlist, token__in=tokens).values_list(
            "token_id", flat=True
        )
    )
    return [SearchResult(t, token_metrics(t), t.pk in held) for t in tokens]


def search_query(data) -> str:
    """What to search for, without control characters (no symbol nor name has any, and
    PostgreSQL cannot even compare a text with NUL): "%00" searches for nothing."""
    query = "".join(c for c in data.get("q", "") if unicodedata.category(c) != "Cc")
    return query.strip()[:SEARCH_MAX_LENGTH]


@owner_page
@require_safe
def search(request, pk):
    """Tokens to add, as the owner types (htmx gets the results only)."""
    watchlist = watchlist_for(request, pk)
    query = search_query(request.GET)
    context = {"watchlist": watchlist, "query": query, "results": tokens_search(watchlist, query)}
    if is_partial(request):
        return render_page(request, "watchlists/_search_results.html", context)
    return render_page(request, "watchlists/search.html", context | {"add_form": ItemAddForm()})


# --- Sharing ------------------------------------------------------------------------------


def _share_settings(action: str, watchlist: Watchlist, show_amounts: bool) -> dict | None:
    """The arguments of watchlist_share_set for a sharing action; None for an unknown one.
    Every button of the form posts its "show amounts" box: what it shows is what is saved."""
    return {
        "public": {"is_public": True, "show_amounts": show_amounts},
        "amounts": {"is_public": watchlist.is_public, "show_amounts": show_amounts},
        "rotate": {"is_public": True, "rotate": True, "show_amounts": show_amounts},
        "private": {"is_public": False},
    }.get(action)


@owner_page
@require_POST
def share(request, pk):
    """Make the list public (a new secret link), change what visitors see, make a new link,
    or make it private (the link stops working)."""
    watchlist = watchlist_for(request, pk)
    action = request.POST.get("action", "")
    show_amounts = request.POST.get("show_amounts", "") in ("on", "1", "true")
    share_settings = _share_settings(action, watchlist, show_amounts)
    if share_settings is None:
        return HttpResponseBadRequest(_("Unknown sharing action."))
    with vanished_as_404():
        services.watchlist_share_set(watchlist=watchlist, **share_settings)
    message = str(SHARE_MESSAGES[action])
    if is_partial(request):
        context = {"watchlist": watchlist, "share_status": message}
        context |= _share_context(request, watchlist)
        return render_page(request, "watchlists/detail.html", context, partial="share")
    messages.success(request, message)
    return redirect(reverse("watchlists:detail", args=[watchlist.pk]) + "#share")


@never_cache
@require_safe
def shared(request, share_token):
    """A public list for anyone with its link: tokens and percentages; amounts and notes only
    when the owner shows them. 404 for an unknown or revoked link."""
    valuation = selectors.watchlist_valuation_as_shown(
        valuation=selectors.watchlist_shared_valuation(share_token=share_token)
    )
    watchlist = valuation.watchlist
    page = items_page(request, valuation.items)
    context = {
        "watchlist": watchlist,
        "valuation": valuation,
        "page": page,
        "show_amounts": watchlist.show_amounts,
        "freshness": freshness(valuation),
        "live_url": page_url(request.path, page),
    }
    if not is_partial(request):
        context["chart"] = value_chart(valuation.series)
        _value_chart_annotate(context["chart"], watchlist, valuation.items)
    response = render_page(request, "watchlists/shared.html", context, partial="live")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
