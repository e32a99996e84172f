"""What the discussion templates need, built once for the slots, the pages and htmx partials."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from discussions import selectors
from discussions.models import Comment, Report, Stance

ORDER_LABELS = {"newest": _("Newest first"), "oldest": _("Oldest first")}


def thread_url(*, token=None, token_list=None) -> str:
    if token is not None:
        return reverse("discussions:token-thread", args=[token.symbol])
    return reverse("discussions:list-thread", args=[token_list.slug])


def thread_context(request, *, token=None, token_list=None, order=None, page=1, **extra) -> dict:
    order = order if order in selectors.ORDERS else selectors.DEFAULT_ORDER
    comments = selectors.thread_page(token=token, token_list=token_list, order=order, page=page)
    url = thread_url(token=token, token_list=token_list)
    return {
        "token": token,
        "token_list": token_list,
        "thread_token": token,
        "thread_list": token_list,
        "thread_id": f"thread-{'token' if token else 'list'}",
        "thread_name": token.symbol if token else token_list.display_name,
        "comments": comments,
        "order": order,
        "orders": [("newest", ORDER_LABELS["newest"]), ("oldest", ORDER_LABELS["oldest"])],
        "thread_url": url,
        "stances": Stance.choices,
        "report_reasons": Report.Reason.choices,
        "user": request.user,
        "request": request,
        **extra,
    }


def comment_context(request, *, comment: Comment, **extra) -> dict:
    return {
        "comment": selectors.comment_with_replies(comment=comment),
        "stances": Stance.choices,
        "report_reasons": Report.Reason.choices,
        "user": request.user,
        "request": request,
        **extra,
    }
