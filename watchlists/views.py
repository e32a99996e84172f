"""Watchlist pages: the owner's lists, items, positions and lots; public share links; CSV.

Every page works without JavaScript. An htmx request (HX-Request, not a history restore) gets
only the part of the page it swaps (``render(request, "page.html#partial")``); any other gets
the whole page, or a redirect after a successful POST. Bad input re-renders the form with the
services' messages next to the fields, and the services save all or nothing.

Every watchlist is looked up through ``watchlist_get_for_user``: another user's, staff's
included, is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from urllib.parse import urlencode

import numpy as np
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from markets.charts import downsample_last
from markets.models import Token, TokenMetrics
from watchlists import selectors, services
from watchlists.forms import (
    SEARCH_MAX_LENGTH,
    ImportForm,
    ItemAddForm,
    LotForm,
    NoteForm,
    WatchlistNameForm,
    form_errors_apply,
)
from watchlists.models import Lot, Watchlist, WatchlistItem
from watchlists.valuation import ValueSeries

SEARCH_LIMIT = 10
GET_OR_POST = ["GET", "HEAD", "POST"]


# --- Helpers ------------------------------------------------------------------------------


def _is_partial(request) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def owner_page(view):
    """Signed-in users only, never cached. Anonymous visitors go to the sign-in page; for an
    htmx request the whole page goes there (HX-Redirect) rather than the swapped fragment."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            safe = request.method in ("GET", "HEAD")
            back = request.get_full_path() if safe else reverse("watchlists:index")
            if request.htmx:
                back = request.htmx.current_url_abs_path or back
                login = resolve_url(settings.LOGIN_URL)
                return HttpResponseClientRedirect(f"{login}?{urlencode({'next': back})}")
            return redirect_to_login(back)
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _render(request, template: str, context: dict, *, partial: str | None = None, status=200):
    name = f"{template}#{partial}" if partial and _is_partial(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _watchlist(request, pk) -> Watchlist:
    return selectors.watchlist_get_for_user(user=request.user, pk=pk)


def _item(request, pk, symbol: str) -> WatchlistItem:
    return selectors.watchlist_item_get(watchlist=_watchlist(request, pk), symbol=symbol)


def _position(request) -> int | None:
    text = request.POST.get("position", "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _bad_position() -> HttpResponse:
    return HttpResponseBadRequest(_("Enter a whole number, 0 or more."))


def _freshness(valuation: selectors.WatchlistValuation) -> dict:
    """The latest price time among the items, as the market pages show it."""
    moments = [m.as_of for v in valuation.items if (m := _metrics(v.token)) is not None]
    if not moments:
        return {"as_of": None, "is_stale": False, "is_today": False}
    as_of, now = max(moments), timezone.now()
    return {
        "as_of": as_of,
        "is_stale": now - as_of > timedelta(seconds=settings.STALE_AFTER_SECONDS),
        "is_today": as_of.date() == now.date(),
    }


def _metrics(token: Token) -> TokenMetrics | None:
    try:
        return token.metrics
    except TokenMetrics.DoesNotExist:
        return None


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
        _, values = downsample_last(series.times, series.values)
        peak = int(np.argmax(series.values))
        chart["series"]["value"] = [[t, round(v, 2)] for t, v in zip(times, values, strict=True)]
        chart |= {
            "peak": float(series.values[peak]),
            "peak_at": datetime.fromtimestamp(int(series.times[peak]), UTC),
            "last": float(series.values[-1]),
        }
    return chart


# --- Watchlists ---------------------------------------------------------------------------


def _index_context(request, **extra) -> dict:
    return {
        "watchlists": list(selectors.watchlist_list_for_user(user=request.user)),
        "form": WatchlistNameForm(),
        **extra,
    }


def _index(request, **extra):
    context = _index_context(request, **extra)
    return _render(request, "watchlists/index.html", context, partial="lists")


@owner_page
@require_http_methods(GET_OR_POST)
def index(request):
    """The user's watchlists (a first one is created for a new user) and the create form."""
    if request.method == "POST":
        return _create(request)
    context = _index_context(request)
    if not context["watchlists"]:
        services.watchlist_default_ensure(user=request.user)
        context = _index_context(request)
    return _render(request, "watchlists/index.html", context, partial="lists")


def _create(request):
    form = WatchlistNameForm(request.POST)
    form.is_valid()
    try:
        watchlist = services.watchlist_create(owner=request.user, name=form.cleaned_data["name"])
    except ValidationError as error:
        form_errors_apply(form, error)
        return _index(request, form=form)
    message = _("Watchlist “%(name)s” created.") % {"name": watchlist.name}
    if _is_partial(request):
        return _index(request, status=message, highlight=watchlist.pk)
    messages.success(request, message)
    return redirect("watchlists:index")


@owner_page
@require_http_methods(GET_OR_POST)
def rename(request, pk):
    watchlist = _watchlist(request, pk)
    if request.method != "POST":
        form = WatchlistNameForm(initial={"name": watchlist.name})
        return render(request, "watchlists/rename.html", {"watchlist": watchlist, "form": form})
    form = WatchlistNameForm(request.POST)
    form.is_valid()
    try:
        services.watchlist_rename(watchlist=watchlist, name=form.cleaned_data["name"])
    except ValidationError as error:
        form_errors_apply(form, error)
        watchlist.refresh_from_db(fields=["name"])
        return render(request, "watchlists/rename.html", {"watchlist": watchlist, "form": form})
    messages.success(request, _("Watchlist renamed “%(name)s”.") % {"name": watchlist.name})
    return redirect("watchlists:detail", pk=watchlist.pk)


@owner_page
@require_http_methods(GET_OR_POST)
def delete(request, pk):
    """A confirmation page; the POST deletes the list with its items and lots."""
    watchlist = _watchlist(request, pk)
    if request.method == "POST":
        services.watchlist_delete(watchlist=watchlist)
        messages.success(request, _("Watchlist “%(name)s” deleted.") % {"name": watchlist.name})
        return redirect("watchlists:index")
    context = {
        "watchlist": watchlist,
        "items_count": WatchlistItem.objects.filter(watchlist=watchlist).count(),
        "lots_count": Lot.objects.filter(item__watchlist=watchlist).count(),
        "is_last": not Watchlist.objects.filter(owner=request.user).exclude(pk=pk).exists(),
    }
    return render(request, "watchlists/delete.html", context)


@owner_page
@require_POST
def move(request, pk):
    """Move a list up or down among the user's (``position``: its new index, 0 = first)."""
    watchlist = _watchlist(request, pk)
    position = _position(request)
    if position is None:
        return _bad_position()
    services.watchlist_move(watchlist=watchlist, position=position)
    if _is_partial(request):
        return _index(request)
    return redirect("watchlists:index")


# --- One watchlist ------------------------------------------------------------------------


def _share_context(request, watchlist: Watchlist) -> dict:
    url = None
    if watchlist.is_public:
        url = request.build_absolute_uri(reverse("watchlists:shared", args=[watchlist.share_token]))
    return {"share_url": url}


def _detail_context(request, watchlist: Watchlist, **extra) -> dict:
    valuation = selectors.watchlist_items_with_valuation(watchlist=watchlist)
    context = {
        "watchlist": watchlist,
        "valuation": valuation,
        "freshness": _freshness(valuation),
        "live_url": reverse("watchlists:detail", args=[watchlist.pk]),
        "add_form": ItemAddForm(),
        **_share_context(request, watchlist),
    }
    if not _is_partial(request):
        context["chart"] = value_chart(valuation.series)
    return context | extra


def _live(request, watchlist: Watchlist):
    """After a change to the items: the refreshed items and totals (htmx), else the page."""
    if _is_partial(request):
        context = _detail_context(request, watchlist)
        return _render(request, "watchlists/detail.html", context, partial="live")
    return redirect("watchlists:detail", pk=watchlist.pk)


@owner_page
@require_safe
def detail(request, pk):
    watchlist = _watchlist(request, pk)
    context = _detail_context(request, watchlist)
    return _render(request, "watchlists/detail.html", context, partial="live")


@dataclass(frozen=True)
class SearchResult:
    token: Token
    metrics: TokenMetrics | None
    in_list: bool


def _search(watchlist: Watchlist, query: str) -> list[SearchResult]:
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
    return [SearchResult(t, _metrics(t), t.pk in held) for t in tokens]


def _query(data) -> str:
    return data.get("q", "").strip()[:SEARCH_MAX_LENGTH]


@owner_page
@require_safe
def search(request, pk):
    """Tokens to add, as the owner types (htmx gets the results only)."""
    watchlist = _watchlist(request, pk)
    query = _query(request.GET)
    context = {"watchlist": watchlist, "query": query, "results": _search(watchlist, query)}
    if _is_partial(request):
        return _render(request, "watchlists/_search_results.html", context)
    return _render(request, "watchlists/search.html", context | {"add_form": ItemAddForm()})


@owner_page
@require_POST
def item_add(request, pk):
    watchlist = _watchlist(request, pk)
    form = ItemAddForm(request.POST)
    form.is_valid()
    query = _query(request.POST)
    try:
        item = services.watchlist_add_token(watchlist=watchlist, symbol=form.cleaned_data["symbol"])
    except ValidationError as error:
        form_errors_apply(form, error)
        panel = {"add_form": form, "query": query, "results": _search(watchlist, query)}
        if not _is_partial(request):
            context = _detail_context(request, watchlist, **panel)
            return _render(request, "watchlists/detail.html", context)
        return _render(request, "watchlists/_add_token.html", {"watchlist": watchlist, **panel})
    message = _("%(symbol)s added to this watchlist.") % {"symbol": item.token.symbol}
    if not _is_partial(request):
        messages.success(request, message)
        return redirect("watchlists:detail", pk=watchlist.pk)
    # The add panel (the results now show the token as added) and, out of band, the items.
    context = _detail_context(request, watchlist, query=query, add_status=message, oob=True)
    context["results"] = _search(watchlist, query)
    html = render_to_string("watchlists/_add_token.html", context, request)
    html += render_to_string("watchlists/detail.html#live", context, request)
    response = HttpResponse(html)
    patch_vary_headers(response, ("HX-Request",))
    return response


@owner_page
@require_POST
def item_remove(request, pk, symbol):
    item = _item(request, pk, symbol)
    services.watchlist_remove_token(watchlist=item.watchlist, symbol=item.token.symbol)
    if not _is_partial(request):
        message = _("%(symbol)s removed from this watchlist.") % {"symbol": item.token.symbol}
        messages.success(request, message)
    return _live(request, item.watchlist)


@owner_page
@require_POST
def item_move(request, pk, symbol):
    item = _item(request, pk, symbol)
    position = _position(request)
    if position is None:
        return _bad_position()
    services.item_move(item=item, position=position)
    return _live(request, item.watchlist)


# --- One item: note and lots --------------------------------------------------------------


def _item_context(item: WatchlistItem, **extra) -> dict:
    valued = selectors.item_with_valuation(item=item)
    return {
        "watchlist": item.watchlist,
        "item": item,
        "valued": valued,
        "metrics": _metrics(item.token),
        "lots": [(lot, lot.quantity * lot.cost_basis_usd) for lot in valued.lots],
        "note_form": NoteForm(initial={"note": item.note}),
        "lot_form": LotForm(),
        **extra,
    }


def _item_page(request, item: WatchlistItem, **extra):
    context = _item_context(item, **extra)
    return _render(request, "watchlists/item.html", context, partial="position")


def _item_changed(request, item: WatchlistItem, message: str):
    """After a change: the refreshed position (htmx), else back to the item's page."""
    if _is_partial(request):
        fresh = selectors.watchlist_item_get(watchlist=item.watchlist, symbol=item.token.symbol)
        return _item_page(request, fresh, status=message)
    messages.success(request, message)
    return redirect("watchlists:item-detail", pk=item.watchlist_id, symbol=item.token.symbol)


@owner_page
@require_safe
def item_detail(request, pk, symbol):
    return _item_page(request, _item(request, pk, symbol))


@owner_page
@require_POST
def item_note(request, pk, symbol):
    item = _item(request, pk, symbol)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.item_note_set(item=item, note=form.cleaned_data["note"])
    except ValidationError as error:
        form_errors_apply(form, error)
        return _item_page(request, item, note_form=form)
    return _item_changed(request, item, _("Note saved."))


@owner_page
@require_POST
def lot_add(request, pk, symbol):
    item = _item(request, pk, symbol)
    form = LotForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        services.lot_add(
            item=item,
            quantity=data["quantity"],
            cost_basis_usd=data["cost_basis_usd"],
            purchased_at=data["purchased_at"] or None,
        )
    except ValidationError as error:
        form_errors_apply(form, error)
        return _item_page(request, item, lot_form=form)
    return _item_changed(request, item, _("Lot added."))


@owner_page
@require_POST
def lot_remove(request, pk, symbol, lot_id):
    item = _item(request, pk, symbol)
    try:
        services.lot_remove(item=item, lot_id=lot_id)
    except Lot.DoesNotExist:
        raise Http404(_("No such lot in this position.")) from None
    return _item_changed(request, item, _("Lot removed."))


# --- Sharing ------------------------------------------------------------------------------

SHARE_MESSAGES = {
    "public": gettext_lazy("The list is public: anyone with the link can see it."),
    "amounts": gettext_lazy("Sharing settings saved."),
    "rotate": gettext_lazy("New link made: the old one no longer works."),
    "private": gettext_lazy("The list is private again: its link no longer works."),
}


@owner_page
@require_POST
def share(request, pk):
    """Make the list public (a new secret link), change what visitors see, make a new link,
    or make it private (the link stops working)."""
    watchlist = _watchlist(request, pk)
    action = request.POST.get("action", "")
    show_amounts = request.POST.get("show_amounts", "") in ("on", "1", "true")
    if action == "public":
        services.watchlist_share_set(watchlist=watchlist, is_public=True, show_amounts=show_amounts)
    elif action == "amounts":
        services.watchlist_share_set(
            watchlist=watchlist, is_public=watchlist.is_public, show_amounts=show_amounts
        )
    elif action == "rotate":
        services.watchlist_share_set(watchlist=watchlist, is_public=True, rotate=True)
    elif action == "private":
        services.watchlist_share_set(watchlist=watchlist, is_public=False)
    else:
        return HttpResponseBadRequest(_("Unknown sharing action."))
    message = str(SHARE_MESSAGES[action])
    if _is_partial(request):
        context = {"watchlist": watchlist, "share_status": message}
        context |= _share_context(request, watchlist)
        return _render(request, "watchlists/detail.html", context, partial="share")
    messages.success(request, message)
    return redirect(reverse("watchlists:detail", args=[watchlist.pk]) + "#share")


@never_cache
@require_safe
def shared(request, share_token):
    """A public list for anyone with its link: tokens and percentages; amounts and notes only
    when the owner shows them. 404 for an unknown or revoked link."""
    valuation = selectors.watchlist_shared_valuation(share_token=share_token)
    watchlist = valuation.watchlist
    context = {
        "watchlist": watchlist,
        "valuation": valuation,
        "show_amounts": watchlist.show_amounts,
        "freshness": _freshness(valuation),
        "live_url": request.path,
    }
    if not _is_partial(request):
        context["chart"] = value_chart(valuation.series)
    response = _render(request, "watchlists/shared.html", context, partial="live")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- CSV ----------------------------------------------------------------------------------


@owner_page
@require_safe
def export_csv(request, pk):
    watchlist = _watchlist(request, pk)
    response = HttpResponse(
        selectors.positions_export_csv(watchlist=watchlist), content_type="text/csv; charset=utf-8"
    )
    filename = f"{slugify(watchlist.name) or 'watchlist'}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@owner_page
@require_http_methods(GET_OR_POST)
def import_csv(request, pk):
    """Add the lots of an uploaded positions CSV: all of them, or none with the bad line."""
    watchlist = _watchlist(request, pk)
    if request.method != "POST":
        context = {"watchlist": watchlist, "form": ImportForm()}
        return render(request, "watchlists/import.html", context)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            text = form.cleaned_data["file"]
            result = services.positions_import_csv(watchlist=watchlist, text=text)
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            message = _("Imported %(rows)s rows: %(items)s new tokens, %(lots)s new lots.") % {
                "rows": result.rows,
                "items": result.items_created,
                "lots": result.lots_added,
            }
            messages.success(request, message)
            return redirect("watchlists:detail", pk=watchlist.pk)
    return render(request, "watchlists/import.html", {"watchlist": watchlist, "form": form})


# --- "Add to watchlist" from the market pages ---------------------------------------------


@owner_page
@require_http_methods(GET_OR_POST)
def add(request):
    """GET ?symbol=: choose the list to add a token to. POST symbol (and watchlist, the first
    list by default): add it. The market pages post here from watchlists/_add_to_watchlist.html
    with htmx, which gets back a fragment to put in place of that form."""
    if request.method == "POST":
        return _add(request)
    symbol = request.GET.get("symbol", "").strip().upper()[:20]
    token = Token.objects.select_related("metrics").filter(symbol=symbol, is_active=True).first()
    if token is None:
        raise Http404(_("Unknown token."))
    if not Watchlist.objects.filter(owner=request.user).exists():
        services.watchlist_default_ensure(user=request.user)
    return render(request, "watchlists/add.html", {"token": token, "metrics": _metrics(token)})


def _add(request):
    pk = request.POST.get("watchlist", "")
    if pk:
        watchlist = _watchlist(request, pk)
    else:
        watchlist = services.watchlist_default_ensure(user=request.user)
    form = ItemAddForm(request.POST)
    form.is_valid()
    symbol = form.cleaned_data["symbol"].strip().upper()[:20]
    token = Token.objects.select_related("metrics").filter(symbol=symbol).first()
    context = {"token": token, "metrics": _metrics(token) if token else None}
    try:
        services.watchlist_add_token(watchlist=watchlist, symbol=symbol)
    except ValidationError as error:
        form_errors_apply(form, error)
        errors = [str(e) for errors in form.errors.values() for e in errors]
        context |= {"wl_errors": errors, "wl_selected": watchlist.pk, "watchlist": watchlist}
        return _render(request, "watchlists/add.html", context, partial="result")
    message = _("%(symbol)s added to “%(name)s”.") % {"symbol": symbol, "name": watchlist.name}
    if _is_partial(request):
        context |= {"added": watchlist}
        return _render(request, "watchlists/add.html", context, partial="result")
    messages.success(request, message)
    return redirect("watchlists:detail", pk=watchlist.pk)
