"""/curate/: staff curate the token lists in the site. Everyone else gets a 404.

Each action is a plain form POST that redirects back to the page (works without JavaScript);
with htmx it answers the changed list's partial instead, swapped in place. Remove and "Put on
the dashboard" ask first: their buttons' forms are GETs showing a confirmation page (without
JavaScript), while htmx asks with a dialog (hx-confirm) and posts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from curation import selectors, services
from curation.models import TokenAddJob
from markets.models import Token, TokenList
from markets.providers import provider_get
from markets.providers.base import ProviderError
from markets.providers.catalogue import CatalogueEntry, catalogue_search
from markets.symbols import symbol_lookup_key


def staff_only(view: Callable) -> Callable:
    """A 404 for everyone but staff, whatever the method (put it first: a 405 would tell
    others the address exists)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _list_or_404(slug: str) -> TokenList:
    try:
        return selectors.curated_list_get(slug=slug)
    except TokenList.DoesNotExist:
        raise Http404(_("No such list.")) from None


def _list_target(slug: str) -> TokenList:
    """The list an action changes, without its members (the answer reads them afterwards)."""
    token_list = TokenList.objects.filter(slug=str(slug)[:50]).first()
    if token_list is None:
        raise Http404(_("No such list."))
    return token_list


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


CHANGED = "curation-changed"  # the history on the page reloads its first page on this event


def _list_answer(request, slug: str, *, errors: list[str] = (), notice: str = "",
                 changed: bool = False):  # fmt: skip
    """The list's partial for htmx (telling the page's history when something changed);
    otherwise back to the page, with the outcome as a message."""
    if request.htmx:
        context = {"token_list": _list_or_404(slug), "errors": errors, "notice": notice}
        response = render(request, "curation/index.html#list", context)
        if changed:
            response["HX-Trigger"] = CHANGED
        return response
    for error in errors:
        messages.error(request, error)
    if notice:
        messages.success(request, notice)
    return redirect(f"{reverse('curation:index')}#list-{slug}")


def _index_context(*, page: str | None) -> dict:
    return {
        "lists": selectors.curated_lists(),
        "changes": selectors.changes_page(number=page),
        "jobs": selectors.jobs_recent(),
    }


@staff_only
@require_safe
def index(request):
    context = _index_context(page=request.GET.get("page"))
    if request.htmx and request.GET.get("page"):
        return render(request, "curation/index.html#changes", context)
    return render(request, "curation/index.html", context)


def _list_data(request) -> dict:
    return {k: request.POST.get(k, "") for k in ("name", "name_fr", "description",
                                                 "description_fr")}  # fmt: skip


@staff_only
@require_POST
def list_new(request):
    try:
        token_list = services.list_create(
            actor=request.user, slug=request.POST.get("slug", ""), data=_list_data(request)
        )
    except ValidationError as exc:
        # The page again, with what was typed and the reason beside the form: a redirect
        # would lose two names and two descriptions and show the reason far above the form.
        context = _index_context(page=None) | {
            "new_list": {**_list_data(request), "slug": request.POST.get("slug", "")},
            "new_list_errors": _errors(exc),
        }
        return render(request, "curation/index.html", context, status=400)
    messages.success(request, _("List created (unpublished): add its members."))
    return redirect(f"{reverse('curation:index')}#list-{token_list.slug}")


def _list_seen(request) -> dict | None:
    """The values the edit form showed (its was_* fields); None from a form without them."""
    if "was_name" not in request.POST:
        return None
    seen = {k: request.POST.get(f"was_{k}", "") for k in ("name", "name_fr", "description",
                                                           "description_fr")}  # fmt: skip
    return seen | {"is_public": request.POST.get("was_is_public") == "on"}


@staff_only
@require_POST
def list_edit(request, slug: str):
    token_list = _list_target(slug)
    seen = _list_seen(request)
    try:
        services.list_update(actor=request.user, token_list=token_list, data=_list_data(request),
                             is_public=request.POST.get("is_public") == "on",
                             seen=seen)  # fmt: skip
    except ValidationError as exc:
        # The form again, unfolded, with what was typed and the reason beside it: the stored
        # values would silently drop the other changes made with the refused one. After a
        # clash with someone else's save: this form's changes over their version, which the
        # form now says it showed.
        edit = {**_list_data(request), "slug": token_list.slug, "errors": _errors(exc),
                "is_public": request.POST.get("is_public") == "on", "was": seen}  # fmt: skip
        if isinstance(exc, services.ListEditConflict):
            edit |= exc.merged | {"was": None}
        if request.htmx:
            context = {"token_list": _list_or_404(slug), "edit": edit}
            return render(request, "curation/index.html#list", context)
        context = _index_context(page=None) | {"edit": edit}
        return render(request, "curation/index.html", context, status=400)
    return _list_answer(request, slug, notice=_("Saved."), changed=True)


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
def list_feature(request, slug: str):
    """GET: the confirmation page (the button's form without JavaScript; htmx asks with a
    dialog and posts). POST: the dashboard's list changes, which reorders and relabels the
    lists: htmx reloads the page."""
    token_list = _list_target(slug)
    if request.method != "POST":
        context = {"token_list": token_list, "featured": selectors.featured_list()}
        return render(request, "curation/confirm_feature.html", context)
    services.list_feature(actor=request.user, token_list=token_list)
    messages.success(request, _("This list is now on the dashboard."))
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(f"{reverse('curation:index')}#list-{slug}")


def _token_or_error(symbol: str) -> Token:
    try:
        return selectors.token_by_symbol(symbol=symbol)
    except Token.DoesNotExist:
        raise ValidationError({"symbol": _("No token with this symbol.")}) from None


def _member_change(request, slug: str, change, notice: str):
    token_list = _list_target(slug)
    try:
        token = _token_or_error(request.POST.get("symbol", ""))
        change(actor=request.user, token_list=token_list, token=token)
    except ValidationError as exc:
        return _list_answer(request, slug, errors=_errors(exc))
    return _list_answer(request, slug, notice=notice % {"symbol": token.symbol}, changed=True)


@staff_only
@require_POST
def member_add(request, slug: str):
    return _member_change(request, slug, services.member_add, _("%(symbol)s added."))


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
def member_remove(request, slug: str):
    """GET: the confirmation page (the Remove button's form without JavaScript; htmx asks
    with a dialog and posts). POST: the member is removed."""
    if request.method == "POST":
        return _member_change(request, slug, services.member_remove, _("%(symbol)s removed."))
    token_list = _list_target(slug)
    symbol = request.GET.get("symbol", "")
    member = selectors.member_get(token_list=token_list, symbol=symbol)
    if member is None:
        message = _("%(symbol)s is not in this list.") % {"symbol": symbol_lookup_key(symbol)[:20]}
        return _list_answer(request, slug, errors=[message])
    context = {"token_list": token_list, "token": member.token}
    return render(request, "curation/confirm_remove.html", context)


@staff_only
@require_POST
def member_move(request, slug: str):
    token_list = _list_target(slug)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.member_move(actor=request.user, token_list=token_list,
                             symbol=request.POST.get("symbol", ""), offset=offset)  # fmt: skip
    except ValidationError as exc:
        return _list_answer(request, slug, errors=_errors(exc))
    return _list_answer(request, slug, changed=True)


@staff_only
@require_POST
def members_order(request, slug: str):
    """The order after a drag and drop: ``order`` is the symbols, comma-separated."""
    token_list = _list_target(slug)
    symbols = [s for s in request.POST.get("order", "").split(",") if s.strip()]
    try:
        services.members_reorder(actor=request.user, token_list=token_list, symbols=symbols)
    except ValidationError as exc:
        return _list_answer(request, slug, errors=_errors(exc))
    return _list_answer(request, slug, notice=_("New order saved."), changed=True)


@staff_only
@require_safe
def catalogue(request, slug: str):
    """Search the price provider's catalogue (partial for htmx, the page's section otherwise)."""
    token_list = _list_target(slug)
    query = request.GET.get("q", "")
    results, error = [], ""
    if "\x00" in query:
        error = _("Null characters are not allowed.")
    else:
        provider = provider_get()
        try:
            results = catalogue_search(provider=provider, query=query)
        except ProviderError as exc:
            error = _("The catalogue could not be searched: %(reason)s") % {"reason": exc}
        finally:
            if close := getattr(provider, "close", None):
                close()
    known = set(Token.objects.filter(coingecko_id__in=[r.coingecko_id for r in results])
                .values_list("coingecko_id", flat=True))  # fmt: skip
    context = {"token_list": token_list, "query": query, "results": results, "error": error,
               "known": known}  # fmt: skip
    template = "curation/catalogue.html#results" if request.htmx else "curation/catalogue.html"
    return render(request, template, context)


@staff_only
@require_POST
def catalogue_add(request, slug: str):
    token_list = _list_target(slug)
    entry = CatalogueEntry(
        coingecko_id=request.POST.get("coingecko_id", "").strip()[:100],
        symbol=symbol_lookup_key(request.POST.get("symbol", "")),  # the service checks it
        name=request.POST.get("name", "").strip()[:100],
    )
    try:
        if not (entry.coingecko_id and entry.symbol and entry.name):
            raise ValidationError(_("Pick a result of the search."))
        for value in (entry.coingecko_id, entry.symbol, entry.name):
            services.text_clean(value, field="name", max_length=100, required=True)
        job = services.token_add_from_catalogue(actor=request.user, token_list=token_list,
                                                entry=entry)  # fmt: skip
    except ValidationError as exc:
        return _list_answer(request, slug, errors=_errors(exc))
    notice = _("%(symbol)s added; its history is being fetched.") % {"symbol": job.token.symbol}
    if request.htmx:
        context = {"token_list": _list_or_404(slug), "notice": notice, "job": job}
        response = render(request, "curation/index.html#list", context)
        response["HX-Trigger"] = CHANGED
        return response
    messages.success(request, notice)
    return redirect(f"{reverse('curation:job', args=[job.pk])}")


@staff_only
@require_safe
def job(request, pk: str):
    """A backfill's progress: htmx polls the partial until the job has finished."""
    try:
        found = selectors.job_get(pk=pk)
    except TokenAddJob.DoesNotExist:
        raise Http404 from None
    template = "curation/job.html#job" if request.htmx else "curation/job.html"
    response = render(request, template, {"job": found})
    if request.htmx and found.is_finished:
        response["HX-Trigger"] = "curation-job-finished"
    return response


@staff_only
@require_POST
def job_retry(request, pk: str):
    try:
        found = services.job_retry(actor=request.user, job=selectors.job_get(pk=pk))
    except TokenAddJob.DoesNotExist:
        raise Http404 from None
    except ValidationError as exc:
        for error in _errors(exc):
            messages.error(request, error)
        return redirect(reverse("curation:index"))
    if request.htmx:
        return render(request, "curation/job.html#job", {"job": found})
    return redirect(reverse("curation:job", args=[found.pk]))
