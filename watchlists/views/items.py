"""A watchlist's items: add, remove and reorder tokens; one item's page with its note and lots;
and "Add to watchlist" from the market pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from markets.models import Token
from markets.symbols import symbol_lookup_key
from watchlists import selectors, services, validation
from watchlists.forms import ItemAddForm, LotForm, NoteForm, form_errors_apply
from watchlists.models import Lot, Watchlist, WatchlistItem
from watchlists.views.common import (
    GET_OR_POST,
    bad_position,
    is_partial,
    item_for,
    owner_page,
    position_posted,
    render_page,
    token_metrics,
    vanished_as_404,
    vary_on_htmx,
    watchlist_for,
)
from watchlists.views.detail import (
    ITEMS_PER_PAGE,
    detail_context,
    items_page,
    live,
    search_query,
    tokens_search,
)

# --- The items of a watchlist -------------------------------------------------------------


@owner_page
@require_POST
def item_add(request, pk):
    watchlist = watchlist_for(request, pk)
    form = ItemAddForm(request.POST)
    query = search_query(request.POST)
    if not form.is_valid():
        return _item_add_failed(request, watchlist, form, query)
    symbol = form.cleaned_data["symbol"]
    try:
        with vanished_as_404():
            item = services.watchlist_add_token(watchlist=watchlist, symbol=symbol)
    except ValidationError as error:
        form_errors_apply(form, error)
        return _item_add_failed(request, watchlist, form, query)
    message = _("%(symbol)s added to this watchlist.") % {"symbol": item.token.symbol}
    if not is_partial(request):
        messages.success(request, message)
        return redirect("watchlists:detail", pk=watchlist.pk)
    return _item_added(request, watchlist, query, message)


def _item_add_failed(request, watchlist: Watchlist, form: ItemAddForm, query: str):
    """The add panel with the form's errors: alone (htmx), else in the whole page."""
    panel = {"add_form": form, "query": query, "results": tokens_search(watchlist, query)}
    if not is_partial(request):
        context = detail_context(request, watchlist, **panel)
        return render_page(request, "watchlists/detail.html", context)
    return render_page(request, "watchlists/_add_token.html", {"watchlist": watchlist, **panel})


def _item_added(request, watchlist: Watchlist, query: str, message: str) -> HttpResponse:
    """The add panel (the results now show the token as added) and, out of band, the items."""
    context = detail_context(request, watchlist, query=query, add_status=message, oob=True)
    context["results"] = tokens_search(watchlist, query)
    html = render_to_string("watchlists/_add_token.html", context, request)
    html += render_to_string("watchlists/detail.html#live", context, request)
    return vary_on_htmx(HttpResponse(html))


@owner_page
@require_POST
def item_remove(request, pk, symbol):
    item = item_for(request, pk, symbol)
    try:
        with vanished_as_404():
            services.watchlist_remove_token(watchlist=item.watchlist, symbol=item.token.symbol)
    except ValidationError:  # "not in this watchlist": another request removed it meanwhile
        raise Http404(_("Removed by another request meanwhile.")) from None
    if not is_partial(request):
        message = _("%(symbol)s removed from this watchlist.") % {"symbol": item.token.symbol}
        messages.success(request, message)
    return live(request, item.watchlist)


@owner_page
@require_POST
def item_move(request, pk, symbol):
    item = item_for(request, pk, symbol)
    position = position_posted(request)
    if position is None:
        return bad_position()
    with vanished_as_404():
        services.item_move(item=item, position=position)
    return live(request, item.watchlist)


# --- One item: note and lots --------------------------------------------------------------


LOTS_PER_PAGE = ITEMS_PER_PAGE  # lots shown a page at a time, as a list's rows


def _item_context(request, item: WatchlistItem, **extra) -> dict:
    """The item's page; its lots ``LOTS_PER_PAGE`` at a time (``?page=``, or after an htmx
    action the page of the address the user is on), its figures from every lot."""
    valued = selectors.item_valuation_as_shown(valued=selectors.item_with_valuation(item=item))
    lots_page = items_page(request, valued.lots, LOTS_PER_PAGE)
    return {
        "watchlist": item.watchlist,
        "item": item,
        "valued": valued,
        "metrics": token_metrics(item.token),
        "lots_page": lots_page,
        "lots": [(lot, lot.quantity * lot.cost_basis_usd) for lot in lots_page.object_list],
        "note_form": NoteForm(initial={"note": item.note}),
        "lot_form": LotForm(),
        **extra,
    }


def _item_page(request, item: WatchlistItem, **extra):
    context = _item_context(request, item, **extra)
    return render_page(request, "watchlists/item.html", context, partial="position")


def _item_changed(request, item: WatchlistItem, message: str):
    """After a change: the refreshed position (htmx), else back to the item's page."""
    if is_partial(request):
        fresh = selectors.watchlist_item_get(watchlist=item.watchlist, symbol=item.token.symbol)
        return _item_page(request, fresh, status=message)
    messages.success(request, message)
    return redirect("watchlists:item-detail", pk=item.watchlist_id, symbol=item.token.symbol)


def _item_form_post(request, item: WatchlistItem, form, form_key: str, save, message: str):
    """Save a form posted on the item's page with ``save(item, cleaned_data)``; the page with
    the form's errors (as ``form_key``) when it is invalid or the services refuse it."""
    if not form.is_valid():
        return _item_page(request, item, **{form_key: form})
    try:
        with vanished_as_404():
            save(item, form.cleaned_data)
    except ValidationError as error:
        form_errors_apply(form, error)
        return _item_page(request, item, **{form_key: form})
    return _item_changed(request, item, message)


def _note_save(item: WatchlistItem, data: dict) -> None:
    services.item_note_set(item=item, note=data["note"])


def _lot_save(item: WatchlistItem, data: dict) -> None:
    services.lot_add(
        item=item,
        quantity=data["quantity"],
        cost_basis_usd=data["cost_basis_usd"],
        purchased_at=data["purchased_at"] or None,
        form_key=data["form_key"],
    )


@owner_page
@require_safe
def item_detail(request, pk, symbol):
    return _item_page(request, item_for(request, pk, symbol))


@owner_page
@require_POST
def item_note(request, pk, symbol):
    item, form = item_for(request, pk, symbol), NoteForm(request.POST)
    return _item_form_post(request, item, form, "note_form", _note_save, _("Note saved."))


@owner_page
@require_POST
def lot_add(request, pk, symbol):
    item, form = item_for(request, pk, symbol), LotForm(request.POST)
    return _item_form_post(request, item, form, "lot_form", _lot_save, _("Lot added."))


@owner_page
@require_POST
def lot_remove(request, pk, symbol, lot_id):
    item = item_for(request, pk, symbol)
    try:
        services.lot_remove(item=item, lot_id=lot_id)
    except Lot.DoesNotExist:
        raise Http404(_("No such lot in this position.")) from None
    return _item_changed(request, item, _("Lot removed."))


# --- "Add to watchlist" from the market pages ---------------------------------------------


@owner_page
@require_http_methods(GET_OR_POST)
def add(request):
    """GET ?symbol=: choose the list to add a token to. POST symbol (and watchlist, the first
    list by default, made by the POST if the user has none): add it. The market pages post here
    from watchlists/_add_to_watchlist.html with htmx, which gets back a fragment to put in place
    of that form. Viewing changes nothing (another site could make a browser GET this)."""
    if request.method == "POST":
        return _add(request)
    try:
        symbol = validation.symbol_clean(request.GET.get("symbol", ""))
    except ValueError:  # empty, too long, or with a NUL PostgreSQL cannot even compare
        raise Http404(_("Unknown token.")) from None
    token = Token.objects.select_related("metrics").filter(symbol=symbol, is_active=True).first()
    if token is None:
        raise Http404(_("Unknown token."))
    return render(request, "watchlists/add.html", {"token": token, "metrics": token_metrics(token)})


def _add(request):
    watchlist = _add_target(request)
    form = ItemAddForm(request.POST)
    if not form.is_valid():
        context = {"token": None, "metrics": None}
        return _add_failed(request, watchlist, form, context)
    symbol = symbol_lookup_key(form.cleaned_data["symbol"])[:20]
    token = Token.objects.select_related("metrics").filter(symbol=symbol, is_active=True).first()
    context = {"token": token, "metrics": token_metrics(token) if token else None}
    try:
        with vanished_as_404():
            services.watchlist_add_token(watchlist=watchlist, symbol=symbol)
    except ValidationError as error:
        form_errors_apply(form, error)
        return _add_failed(request, watchlist, form, context)
    message = _("%(symbol)s added to “%(name)s”.") % {"symbol": symbol, "name": watchlist.name}
    if is_partial(request):
        context |= {"added": watchlist}
        return render_page(request, "watchlists/add.html", context, partial="result")
    messages.success(request, message)
    return redirect("watchlists:detail", pk=watchlist.pk)


def _add_failed(request, watchlist: Watchlist, form: ItemAddForm, context: dict):
    """The add form (or, for a symbol that is no token, the message) with the form's errors."""
    errors = [str(e) for errors in form.errors.values() for e in errors]
    context |= {"wl_errors": errors, "wl_selected": watchlist.pk, "watchlist": watchlist}
    return render_page(request, "watchlists/add.html", context, partial="result")


def _add_target(request) -> Watchlist:
    """The posted watchlist (the user's), else the first one (created if there is none)."""
    pk = request.POST.get("watchlist", "")
    if pk:
        return watchlist_for(request, pk)
    return _first_list_ensure(request)


def _first_list_ensure(request) -> Watchlist:
    """The user's first list, made (named in the visitor's language) if they have none."""
    return services.watchlist_default_ensure(user=request.user, name=_("My watchlist"))
