"""The user's watchlists: the index with its create form, rename, delete and reorder."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.deletion import deletion_cascades
from watchlists import selectors, services
from watchlists.forms import WatchlistNameForm, form_errors_apply
from watchlists.models import Lot, Watchlist, WatchlistItem
from watchlists.views.common import (
    GET_OR_POST,
    bad_position,
    is_partial,
    owner_page,
    position_posted,
    render_page,
    vanished_as_404,
    watchlist_for,
)


def _index_context(request, **extra) -> dict:
    return {
        "watchlists": list(selectors.watchlist_list_for_user(user=request.user)),
        "form": WatchlistNameForm(),
        **extra,
    }


def _index(request, **extra):
    context = _index_context(request, **extra)
    return render_page(request, "watchlists/index.html", context, partial="lists")


@owner_page
@require_http_methods(GET_OR_POST)
def index(request):
    """The user's watchlists and the create form. Viewing creates nothing (a first list is
    made by the form, or by adding a token from a market page)."""
    if request.method == "POST":
        return _create(request)
    return _index(request)


def _create(request):
    form = WatchlistNameForm(request.POST)
    if not form.is_valid():
        return _index(request, form=form)
    try:
        watchlist = services.watchlist_create(owner=request.user, name=form.cleaned_data["name"])
    except ValidationError as error:
        form_errors_apply(form, error)
        return _index(request, form=form)
    message = _("Watchlist “%(name)s” created.") % {"name": watchlist.name}
    if is_partial(request):
        return _index(request, status=message, highlight=watchlist.pk)
    messages.success(request, message)
    return redirect("watchlists:index")


@owner_page
@require_http_methods(GET_OR_POST)
def rename(request, pk):
    watchlist = watchlist_for(request, pk)
    if request.method != "POST":
        return _rename_page(request, watchlist, WatchlistNameForm(initial={"name": watchlist.name}))
    form = WatchlistNameForm(request.POST)
    if not form.is_valid():
        return _rename_page(request, watchlist, form)
    try:
        with vanished_as_404():
            services.watchlist_rename(watchlist=watchlist, name=form.cleaned_data["name"])
    except ValidationError as error:
        form_errors_apply(form, error)
        watchlist.refresh_from_db(fields=["name"])
        return _rename_page(request, watchlist, form)
    messages.success(request, _("Watchlist renamed “%(name)s”.") % {"name": watchlist.name})
    return redirect("watchlists:detail", pk=watchlist.pk)


def _rename_page(request, watchlist: Watchlist, form: WatchlistNameForm):
    return render(request, "watchlists/rename.html", {"watchlist": watchlist, "form": form})


@owner_page
@require_http_methods(GET_OR_POST)
def delete(request, pk):
    """A confirmation page; the POST deletes the list with its items and lots."""
    watchlist = watchlist_for(request, pk)
    if request.method == "POST":
        services.watchlist_delete(watchlist=watchlist)
        messages.success(request, _("Watchlist “%(name)s” deleted.") % {"name": watchlist.name})
        return redirect("watchlists:index")
    context = {
        "watchlist": watchlist,
        "items_count": WatchlistItem.objects.filter(watchlist=watchlist).count(),
        "lots_count": Lot.objects.filter(item__watchlist=watchlist).count(),
        "is_last": not Watchlist.objects.filter(owner=request.user).exclude(pk=pk).exists(),
        # What other apps attach to the list (alert rules) goes with it too.
        "cascades": deletion_cascades(obj=watchlist, skip=(WatchlistItem,)),
    }
    return render(request, "watchlists/delete.html", context)


@owner_page
@require_POST
def move(request, pk):
    """Move a list up or down among the user's (``position``: its new index, 0 = first)."""
    watchlist = watchlist_for(request, pk)
    position = position_posted(request)
    if position is None:
        return bad_position()
    with vanished_as_404():
        services.watchlist_move(watchlist=watchlist, position=position)
    if is_partial(request):
        return _index(request)
    return redirect("watchlists:index")
