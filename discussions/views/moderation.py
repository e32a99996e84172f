"""The moderators' queue (staff only; a 404 for everyone else)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.selectors import user_by_shown_name
from discussions import selectors, services
from discussions.views.common import page_number, service_outcome

QUEUE_PAGE_SIZE = 25
ACTIONS = {
    "hide": services.comment_hide,
    "restore": services.comment_restore,
    "dismiss": services.reports_dismiss,
}


def staff_only(view):
    """A 404 for everyone but staff, whatever the method (checked before it: a 405 would
    tell others the address exists)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
@require_safe
def moderation_queue(request):
    # Paged: a spam wave can leave thousands waiting, each with its forms.
    queue = Paginator(selectors.moderation_queue(), QUEUE_PAGE_SIZE).get_page(page_number(request))
    context = {
        "queue": queue.object_list,
        "queue_page": queue,
        "hidden": list(selectors.moderation_hidden()),
        "log": list(selectors.moderation_log()),
    }
    return render(request, "discussions/moderation.html", context)


@staff_only
@require_POST
def moderation_act(request, pk: str):
    comment = selectors.comment_get(pk=pk, any_target=True)  # the queue lists them all
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown moderation action."))
        return redirect("discussions:moderation")
    with service_outcome() as outcome:
        action(comment=comment, moderator=request.user, reason=request.POST.get("reason", ""))
    if outcome:
        messages.success(request, _("Done: comment %(id)s.") % {"id": comment.pk})
    else:
        messages.error(request, outcome.error)
    return redirect("discussions:moderation")


@staff_only
@require_POST
def moderation_mute(request):
    user = user_by_shown_name(name=request.POST.get("username", ""))
    days = request.POST.get("days", "")
    with service_outcome() as outcome:
        if user is None:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("No user with this name."))
        services.user_mute(
            user=user, moderator=request.user, reason=request.POST.get("reason", ""),
            days=int(days) if days.isascii() and days.isdigit() and len(days) < 6 else 0,
        )  # fmt: skip
    if outcome:
        messages.success(request, _("%(user)s is muted.") % {"user": user.public_name})
    else:
        messages.error(request, outcome.error)
    return redirect("discussions:moderation")
