"""What the watchlist pages share: the owner-only decorator, htmx-aware rendering, lookups."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.login_redirect import login_redirect
from markets.models import Token, TokenMetrics
from watchlists import selectors
from watchlists.models import Watchlist, WatchlistItem

GET_OR_POST = ["GET", "HEAD", "POST"]


def is_partial(request) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def owner_page(view):
    """Signed-in users only, never cached. Anonymous visitors go to the sign-in page; for an
    htmx request the whole page goes there (HX-Redirect) rather than the swapped fragment."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _to_login(request):
    safe = request.method in ("GET", "HEAD")
    back = request.get_full_path() if safe else reverse("watchlists:index")
    return login_redirect(request, back=back)


def render_page(request, template: str, context: dict, *, partial: str | None = None, status=200):
    """The whole page, or only its ``partial`` for an htmx swap; varies on HX-Request."""
    name = f"{template}#{partial}" if partial and is_partial(request) else template
    return vary_on_htmx(render(request, name, context, status=status))


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request",))
    return response


def watchlist_for(request, pk) -> Watchlist:
    """One of the user's watchlists; anyone else's (staff's included) is a 404."""
    return selectors.watchlist_get_for_user(user=request.user, pk=pk)


def item_for(request, pk, symbol: str) -> WatchlistItem:
    return selectors.watchlist_item_get(watchlist=watchlist_for(request, pk), symbol=symbol)


@contextmanager
def vanished_as_404() -> Iterator[None]:
    """A watchlist or item another request deleted while this one changes it is a 404 (the
    services raise its DoesNotExist), as in the API."""
    try:
        yield
    except ObjectDoesNotExist:
        raise Http404(_("Deleted by another request meanwhile.")) from None


def position_posted(request) -> int | None:
    """The ``position`` posted to a move (a new index, 0 = first), None unless a whole number."""
    text = request.POST.get("position", "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def bad_position() -> HttpResponse:
    return HttpResponseBadRequest(_("Enter a whole number, 0 or more."))


def token_metrics(token: Token) -> TokenMetrics | None:
    try:
        return token.metrics
    except TokenMetrics.DoesNotExist:
        return None
