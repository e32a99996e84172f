"""Daily sentiment votes and scenario polls."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from core.cache import anonymous_cached
from discussions import selectors, services
from discussions.templatetags.discussion_tags import poll_context
from discussions.views.common import is_htmx, service_outcome, signed_in


@signed_in
@require_POST
def sentiment_vote(request, symbol: str):
    token = selectors.token_for_discussion(symbol=symbol)
    with service_outcome() as outcome:
        services.sentiment_vote(token=token, user=request.user, stance=request.POST.get("stance"))
    if outcome and not is_htmx(request):
        return redirect(f"/tokens/{token.symbol}/#sentiment")
    context = {
        "token": token,
        "sentiment": selectors.token_sentiment(token=token, user=request.user),
        "error": outcome.error,
    }
    status = 200 if is_htmx(request) else outcome.status
    template = "discussions/_sentiment.html" if is_htmx(request) else "discussions/vote_page.html"
    return render(request, template, context, status=status)


@require_safe
@anonymous_cached()
def poll_detail(request, pk: str):
    poll = selectors.poll_get(pk=pk)
    context = poll_context(request, poll, daily=_daily_rows(poll), standalone=True)
    return render(request, "discussions/poll_page.html", context)


def _daily_rows(poll) -> list[dict]:
    options = list(poll.options.all())
    rows = []
    for day in selectors.poll_daily(poll=poll):
        total = sum(day["counts"].values())
        rows.append(
            {
                "day": day["day"],
                "total": total,
                "market_cap_usd": day["market_cap_usd"],
                "shares": [(o, day["counts"].get(o.pk, 0) / total) for o in options],
            }
        )
    return rows


@signed_in
@require_POST
def poll_vote(request, pk: str):
    poll = selectors.poll_get(pk=pk)
    with service_outcome() as outcome:
        services.poll_vote(poll=poll, user=request.user, option_id=request.POST.get("option"))
    if outcome and not is_htmx(request):
        return redirect("discussions:poll-detail", pk=poll.pk)
    poll = selectors.poll_get(pk=pk)  # fresh counts
    context = poll_context(request, poll, error=outcome.error)
    if is_htmx(request):
        return render(request, "discussions/_poll.html", context)
    context.update(daily=_daily_rows(poll), standalone=True)
    return render(request, "discussions/poll_page.html", context, status=outcome.status)
