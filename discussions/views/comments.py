from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.cache import anonymous_cached
from discussions import selectors, services
from discussions.context import comment_context, thread_context, thread_url
from discussions.views.common import is_htmx, page_number, service_outcome, signed_in, to_login

THREAD_PARAMS = ("order", "page")


def _thread_response(request, *, token=None, token_list=None, status=200, **extra):
    context = thread_context(
        request, token=token, token_list=token_list, order=request.GET.get("order"),
        page=page_number(request), **extra,
    )  # fmt: skip
    if is_htmx(request):
        response = render(request, "discussions/_thread.html", context)
    else:
        response = render(request, "discussions/thread_page.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _thread(request, *, token=None, token_list=None):
    if request.method == "POST":
        if not request.user.is_authenticated:
            return to_login(request)
        with service_outcome() as outcome:
            comment = services.comment_create(
                author=request.user, body=request.POST.get("body", ""),
                stance=request.POST.get("stance", ""), token=token, token_list=token_list,
            )  # fmt: skip
        if not outcome:
            return _thread_response(
                request, token=token, token_list=token_list, status=outcome.status,
                post_error=outcome.error, post_body=request.POST.get("body", ""),
                post_stance=request.POST.get("stance", ""),
            )  # fmt: skip
        if not is_htmx(request):
            return redirect(f"{_target_page(comment)}#comment-{comment.pk}")
    return _thread_response(request, token=token, token_list=token_list)


@require_http_methods(["GET", "HEAD", "POST"])
@anonymous_cached(params=THREAD_PARAMS)
def token_thread(request, symbol: str):
    """The whole thread of a token, one page at a time (?order=newest|oldest&page=N)."""
    return _thread(request, token=selectors.token_for_discussion(symbol=symbol))


@require_http_methods(["GET", "HEAD", "POST"])
@anonymous_cached(params=THREAD_PARAMS)
def list_thread(request, slug: str):
    return _thread(request, token_list=selectors.list_for_discussion(slug=slug))


def _target_page(comment) -> str:
    """The market page the comment's thread is shown on."""
    if comment.token_id:
        return f"/tokens/{comment.token.symbol}/"
    return f"/lists/{comment.token_list.slug}/"


def _comment_page(comment) -> str:
    """The comment's own page, which shows it (and its replies) whatever page of the thread
    it has moved to: where a plain form goes back after acting on an existing comment."""
    return f"/comments/{comment.parent_id or comment.pk}/#comment-{comment.pk}"


def _comment_response(request, comment, outcome, **extra):
    """htmx: the top-level comment again (with the message); plain: back to its own page."""
    if outcome and not is_htmx(request):
        if extra.get("reported"):
            messages.success(request, _("Thank you: the moderators will look at it."))
        return redirect(_comment_page(comment))
    context = comment_context(
        request, comment=comment, error=outcome.error, error_for=comment.pk,
        thread_url=thread_url(token=comment.token, token_list=comment.token_list), **extra,
    )  # fmt: skip
    if is_htmx(request):
        return render(request, "discussions/_comment.html", context)
    return render(request, "discussions/comment_page.html", context, status=outcome.status)


@require_http_methods(["GET", "HEAD"])
def comment_detail(request, pk: str):
    comment = selectors.comment_get(pk=pk)
    context = comment_context(
        request, comment=comment,
        thread_url=thread_url(token=comment.token, token_list=comment.token_list),
    )  # fmt: skip
    return render(request, "discussions/comment_page.html", context)


@signed_in
@require_POST
def comment_reply(request, pk: str):
    parent = selectors.comment_get(pk=pk)
    with service_outcome() as outcome:
        reply = services.comment_create(
            author=request.user, body=request.POST.get("body", ""),
            stance=request.POST.get("stance", ""), token=parent.token,
            token_list=parent.token_list, parent=parent,
        )  # fmt: skip
    if outcome and not is_htmx(request):
        return redirect(_comment_page(reply))
    return _comment_response(
        request, parent, outcome, reply_body=request.POST.get("body", "") if not outcome else ""
    )


@signed_in
@require_POST
def comment_edit(request, pk: str):
    comment = selectors.comment_get(pk=pk)
    with service_outcome() as outcome:
        services.comment_edit(
            comment=comment, user=request.user, body=request.POST.get("body", ""),
            stance=request.POST.get("stance", ""),
        )  # fmt: skip
    return _comment_response(request, comment, outcome)


@signed_in
@require_POST
def comment_delete(request, pk: str):
    comment = selectors.comment_get(pk=pk)
    with service_outcome() as outcome:
        services.comment_delete(comment=comment, user=request.user)
    return _comment_response(request, comment, outcome)


@signed_in
@require_POST
def comment_report(request, pk: str):
    comment = selectors.comment_get(pk=pk)
    with service_outcome() as outcome:
        services.comment_report(
            comment=comment, reporter=request.user, reason=request.POST.get("reason", ""),
            text=request.POST.get("text", ""),
        )  # fmt: skip
    return _comment_response(request, comment, outcome, reported=comment.pk if outcome else None)
