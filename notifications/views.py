"""The inbox and the bell. Views stay thin: selectors read, services write."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.paging import page_number
from notifications import selectors, services

PAGE_SIZE = 20


def _render(request, template: str, partial: str, context: dict):
    name = f"{template}#{partial}" if request.headers.get("HX-Request") else template
    response = render(request, name, context)
    response["Vary"] = "HX-Request, HX-Target, Cookie"
    return response


BELL = "nav-bell"


@never_cache
@require_safe
def inbox(request):
    if request.headers.get("HX-Target") == BELL:
        return _bell(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    page = Paginator(selectors.notification_list_for_user(user=request.user), PAGE_SIZE).get_page(
        page_number(request.GET.get("page"))
    )
    unread, newest_unread_id = selectors.notifications_unread_summary(user=request.user)
    context = {
        "page": page,
        "notifications": page.object_list,
        "unread_count": unread,
        "newest_unread_id": newest_unread_id,
    }
    return _render(request, "notifications/inbox.html", "inbox", context)


def _bell(request):
    """The bell's link with the unread count, for its htmx polling."""
    if not request.user.is_authenticated:
        # Signed out meanwhile: 286 tells htmx to stop polling (no login page in the nav).
        return HttpResponse(status=286)
    unread = selectors.notifications_unread_count(user=request.user)
    response = render(request, "notifications/_bell.html#bell", {"unread_count": unread})
    response["Cache-Control"] = "no-store"
    response["Vary"] = "HX-Request, HX-Target, Cookie"
    return response


@login_required
@require_POST
def mark_read(request, pk: str):
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    """Marks read what the page showed as unread: ``up_to`` is the newest unread id it counted
    (without it, as from an older page, all unread)."""
    up_to = request.POST.get("up_to")
    if up_to is not None and not (up_to.isascii() and up_to.isdigit() and len(up_to) < 19):
        return HttpResponseBadRequest(_("Not a notification id."))
    services.notifications_mark_all_read(
        user=request.user, up_to_id=int(up_to) if up_to is not None else None
    )
    return redirect("notifications:inbox")


@csrf_exempt  # mail clients post the one-click request without a session; the token is signed
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """The link of each digest: GET asks (mail scanners open links), POST turns the alert
    emails off — from the page's button or a mail client's one-click request (RFC 8058)."""
    user = services.digests_unsubscribe_user(token=token)
    if user is None:
        raise Http404(_("This unsubscribe link is not valid any more."))
    if request.method == "POST":
        services.digests_stop(user=user)
    context = {"email": user.email, "done": request.method == "POST"}
    response = render(request, "notifications/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
