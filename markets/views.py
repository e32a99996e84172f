from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.cache import anonymous_cached, fragment_cached
from core.language import language_chosen, language_cookie_set
from core.slots import objects_annotate
from markets.charts import (
    DEFAULT_RANGE,
    RANGES,
    UnknownRange,
    annotations_for,
    cap_chart,
    price_chart,
    sparklines,
)
from markets.clock import data_freshness
from markets.health import health_report
from markets.metric_labels import METRIC_KIND, METRIC_TEXT, RANGE_LABELS
from markets.models import ListMetrics, Token, TokenList, TokenListMembership, TokenMetrics
from markets.selectors import TOKEN_METRIC_FIELDS
from markets.services.metrics import BTC_SYMBOL
from markets.services.replay import (
    BadAt,
    Replay,
    lists_attach,
    metrics_at,
    replay_at_parse,
    replay_window,
    tokens_attach,
    tokens_by,
)
from markets.views_replay import replay_context as _replay_context
from markets.views_replay import replayable


@never_cache
@require_safe
def healthz(request):
    """200 when the database and broker answer and prices are fresh, else 503."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


# --- List pages (dashboard and /lists/<slug>/) ------------------------------------------------

# Sort key (the metric's public name) -> ORM path; the whitelist of ?sort= values.
SORTS = {
    "position": "position",
    "symbol": "token__symbol",
    **{
        name: f"token__metrics__{name}"
        for name in (
            "price_usd", "market_cap_usd", "change_1h", "change_24h", "change_7d", "change_30d",
            "drawdown_from_ath", "low_7d_usd", "max_drawdown_30d", "volume_24h_usd",
            "turnover", "beta_btc_30d",
        )
    },
}  # fmt: skip
DEFAULT_SORT = ("position", "asc")

# Table columns in display order: (sort key or None, label, definition, CSS class).
# Columns shown on narrow screens; the others ("col-extra") are one tap away there.
ESSENTIAL_COLUMNS = {"price_usd", "change_24h", "change_7d", "drawdown_from_ath"}
MEMBER_COLUMNS = [
    ("symbol", gettext_lazy("Token"), None, "col-token"),
    *(
        (name, METRIC_TEXT[name][0], METRIC_TEXT[name][1],
         "num" if name in ESSENTIAL_COLUMNS else "num col-extra")
        for name in (
            "price_usd", "change_1h", "change_24h", "change_7d", "change_30d",
            "drawdown_from_ath", "low_7d_usd", "max_drawdown_30d", "market_cap_usd",
            "volume_24h_usd", "turnover", "beta_btc_30d",
        )
    ),
    (None, gettext_lazy("7 days"), gettext_lazy("Hourly closes of the last 7 days."),
     "col-spark col-extra"),
]  # fmt: skip


@dataclass(frozen=True)
class Column:
    key: str | None
    label: str
    title: str | None
    css: str
    href: str | None
    aria_sort: str | None
    indicator: str


@dataclass(frozen=True)
class MemberRow:
    token: Token
    metrics: TokenMetrics | None
    sparkline: list[float]


def _is_partial(request) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(request, template: str, partial: str, context: dict):
    """The page, or only its live partial for an htmx request; cached per both."""
    name = f"{template}#{partial}" if _is_partial(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _freshness(metrics: TokenMetrics | ListMetrics | None) -> dict:
    """Data time and staleness (markets/clock.py: demo data are judged by their last update)."""
    if metrics is None:
        return data_freshness(as_of=None)
    return data_freshness(as_of=metrics.as_of, updated_at=metrics.computed_at)


def _sort_from(request) -> tuple[str, str]:
    key = request.GET.get("sort", "")
    if key not in SORTS:
        return DEFAULT_SORT
    direction = request.GET.get("dir", "asc")
    return key, direction if direction in ("asc", "desc") else "asc"


def _columns(path: str, sort: tuple[str, str], at: str | None = None) -> list[Column]:
    key, direction = sort
    columns = []
    for col_key, label, title, css in MEMBER_COLUMNS:
        active = col_key is not None and col_key == key
        href = aria = None
        indicator = ""
        if col_key is not None:
            next_dir = "desc" if active and direction == "asc" else "asc"
            query = {"sort": col_key, "dir": next_dir, **({"at": at} if at else {})}
            href = f"{path}?{urlencode(query, safe=':')}"
        if active:
            aria = "ascending" if direction == "asc" else "descending"
            indicator = "▲" if direction == "asc" else "▼"
        columns.append(Column(col_key, label, title, css, href, aria, indicator))
    return columns


def _members(
    token_list: TokenList, sort: tuple[str, str], replay: Replay | None = None
) -> list[MemberRow]:
    """Active members with their metrics and sparklines: two queries whatever the size.

    In a replay the members get the replayed metrics and are sorted here by them.
    """
    key, direction = sort
    field = F(SORTS[key] if replay is None or key == "position" else "position")
    ascending = direction == "asc" or field.name != SORTS[key]
    order = field.asc(nulls_last=True) if ascending else field.desc(nulls_last=True)
    memberships = (
        TokenListMembership.objects.filter(token_list=token_list, token__is_active=True)
        .select_related("token__metrics" if replay is None else "token")
        .order_by(order, "position", "token__symbol")
    )
    tokens = [m.token for m in memberships]
    if replay is not None:
        tokens_attach(tokens, replay)
        if key != "position":  # the memberships came in list order
            tokens = tokens_by(tokens, name=key, descending=direction == "desc")
    metrics = {t.pk: getattr(t, "metrics", None) for t in tokens}
    lines = sparklines(
        token_ids=[t.pk for t in tokens],
        ends={pk: m.as_of for pk, m in metrics.items() if m is not None},
    )
    objects_annotate("tokens", tokens)  # badges from apps above (core/slots.py)
    return [MemberRow(t, metrics[t.pk], lines.get(t.pk, [])) for t in tokens]


def _benchmark(btc: Token | None) -> dict | None:
    """BTC and its distance to its 30-day low, for the benchmark card."""
    metrics = getattr(btc, "metrics", None) if btc else None
    if metrics is None:
        return None
    above_low = metrics.price_usd / metrics.low_30d_usd - 1 if metrics.low_30d_usd else None
    return {"token": btc, "metrics": metrics, "above_low_30d": above_low}


def _list_page(request, token_list: TokenList | None, *, is_dashboard: bool, at=None):
    if token_list is not None:
        objects_annotate("lists", [token_list])
    sort = _sort_from(request)
    live_metrics = getattr(token_list, "metrics", None) if token_list else None
    btc = Token.objects.select_related("metrics").filter(symbol=BTC_SYMBOL).first()
    replay = None
    if at is not None and token_list is not None:
        replay = metrics_at(at=at, token_ids=[btc.pk] if btc else [], list_ids=[token_list.pk])
        lists_attach([token_list], replay)
        tokens_attach([btc] if btc else [], replay)
    list_metrics = getattr(token_list, "metrics", None) if token_list else None
    replay_ctx = _replay_context(request, replay)
    context = {
        **replay_ctx,
        "token_list": token_list,
        "list_metrics": list_metrics,
        "is_dashboard": is_dashboard,
        "sort": sort,
        "sort_label": next((label for key, label, *_rest in MEMBER_COLUMNS if key == sort[0]), ""),
        "columns": _columns(
            request.path, sort, replay_ctx["replay"] and replay_ctx["replay"]["param"]
        ),
        "benchmark": _benchmark(btc),
        "freshness": _freshness(list_metrics),
        "live_url": request.get_full_path(),
        # A list without metrics may just have no members yet: then say that (one query, only
        # for such a list, not in a replay), not that prices are missing.
        "list_is_empty": token_list is not None
        and replay is None
        and live_metrics is None
        and not TokenListMembership.objects.filter(
            token_list=token_list, token__is_active=True
        ).exists(),
    }
    # The parts every visitor gets alike, cached under the data version (core/cache.py);
    # their queries run only when they are rendered.
    variant = (token_list.pk if token_list else "", is_dashboard, context["at_query"])
    context["cards_html"] = fragment_cached(
        "list-cards", *variant, build=lambda: render_to_string("markets/_list_cards.html", context)
    )
    if token_list:
        context["member_rows"] = fragment_cached(
            "member-rows",
            *variant,
            *sort,
            build=lambda: _member_rows(token_list, sort, replay, context),
        )
    if is_dashboard and not _is_partial(request):
        window = replay_window(end=live_metrics.as_of if live_metrics else None)
        context["replay_window"] = window and {"start": window[0], "end": window[1]}
    if token_list and not _is_partial(request):
        chart = fragment_cached(
            "cap-chart", *variant, build=lambda: _cap_chart_section(token_list, list_metrics)
        )
        context["cap_chart_html"], context["cap_chart_count"] = chart["html"], chart["count"]
    return _render(request, "markets/list.html", "members", context)


def _member_rows(token_list, sort, replay, context) -> list[dict]:
    """The member rows as HTML, each without its closing tag (list.html adds the visitor's
    own cells), with the symbol those cells need."""
    members = _members(token_list, sort, replay)
    html = render_to_string("markets/_member_rows.html", {**context, "members": members})
    parts = html.split("\x1e")[: len(members)]
    return [
        {"symbol": row.token.symbol, "html": mark_safe(part)}  # a rendered template
        for row, part in zip(members, parts, strict=True)
    ]


def _cap_chart_section(token_list: TokenList, list_metrics: ListMetrics | None) -> dict:
    """The cap chart's section as HTML and its number of points (scripts load when > 0)."""
    chart = None
    if list_metrics is not None:  # a deferred field: read here, on a cache miss only
        chart = cap_chart(cap_series=list_metrics.cap_series)
        chart["annotations"] = annotations_for(kind="list", obj=token_list, points=chart["cap"])
    html = render_to_string("markets/_cap_chart.html", {"cap_chart": chart})
    return {"html": html, "count": chart["count"] if chart else 0}


def _public_lists():
    """Public lists with their metrics, without the hourly cap series (read only to render
    the cap chart)."""
    return (
        TokenList.objects.filter(is_public=True)
        .select_related("metrics")
        .defer("metrics__cap_series")
    )


# Query parameters the list pages read (others bypass the page cache).
LIST_PARAMS = ("sort", "dir", "at")


@require_safe
@anonymous_cached(params=LIST_PARAMS)
@replayable
def dashboard(request, *, at=None):
    """The featured list, with Bitcoin as benchmark."""
    lists = _public_lists()
    return _list_page(request, lists.filter(is_featured=True).first(), is_dashboard=True, at=at)


@require_safe
@anonymous_cached(params=("at",))
@replayable
def list_index(request, *, at=None):
    lists = list(_public_lists().order_by("name"))
    replay = metrics_at(at=at, list_ids=[x.pk for x in lists]) if at is not None else None
    if replay is not None:
        lists_attach(lists, replay)
    objects_annotate("lists", lists)
    context = {"lists": lists, **_replay_context(request, replay)}
    return render(request, "markets/list_index.html", context)


@require_safe
@anonymous_cached(params=LIST_PARAMS)
@replayable
def list_detail(request, slug: str, *, at=None):
    lists = _public_lists()
    token_list = lists.filter(slug=slug).first()
    if token_list is None:
        raise Http404(_("No public list with this name."))
    return _list_page(request, token_list, is_dashboard=False, at=at)


# --- Token page ---------------------------------------------------------------------------


def _token_or_404(symbol: str, *, with_metrics: bool = True) -> Token:
    tokens = Token.objects.select_related("metrics") if with_metrics else Token.objects
    token = tokens.filter(symbol=symbol.upper(), is_active=True).first()
    if token is None:
        raise Http404(_("Unknown token."))
    return token


def _metric_rows(metrics: TokenMetrics | None) -> list[dict]:
    return [
        {
            "name": name,
            "label": METRIC_TEXT[name][0],
            "definition": METRIC_TEXT[name][1],
            "kind": METRIC_KIND.get(name, "usd"),
            "value": getattr(metrics, name) if metrics is not None else None,
        }
        for name in TOKEN_METRIC_FIELDS
    ]


@require_safe
@anonymous_cached(params=("range", "at"))
@replayable
def token_detail(request, symbol: str, *, at=None):
    token = _token_or_404(symbol, with_metrics=at is None)
    replay = metrics_at(at=at, token_ids=[token.pk]) if at is not None else None
    if replay is not None:
        tokens_attach([token], replay)
    objects_annotate("tokens", [token])
    metrics = getattr(token, "metrics", None)
    context = {
        **_replay_context(request, replay),
        "token": token,
        "metrics": metrics,
        "metric_rows": _metric_rows(metrics),
        "freshness": _freshness(metrics),
        "live_url": request.path,
        "partial_request": _is_partial(request),
    }
    if not _is_partial(request):
        range_key = request.GET.get("range", DEFAULT_RANGE)
        range_key = range_key if range_key in RANGES else DEFAULT_RANGE
        context["range_key"] = range_key
        context["ranges"] = [(key, RANGE_LABELS[key]) for key in RANGES]
        # The chart's series are not embedded: charts.js fetches them from token_chart_json
        # (anonymous-cached), which keeps three queries and ~20 KB of JSON out of the page.
    return _render(request, "markets/token.html", "live", context)


@require_safe
@anonymous_cached(params=("range", "at"), everyone=True)
def token_chart_json(request, symbol: str):
    """Price and underwater series for one range, at most 1,000 points each.

    The token page loads its chart from here; the data are nobody's, so signed-in visitors
    share the cached copy too (until the next data change)."""
    token = Token.objects.filter(symbol=symbol.upper(), is_active=True).first()
    if token is None:
        message = _("Unknown token: %(symbol)s.") % {"symbol": symbol.upper()[:20]}
        return JsonResponse({"error": message}, status=404)
    range_key = request.GET.get("range", DEFAULT_RANGE)
    try:  # in a replay the chart ends at the replayed hour, like the figures beside it
        at = replay_at_parse(request.GET.get("at"))
    except BadAt as exc:
        return JsonResponse({"error": str(exc), "errors": {"at": [str(exc)]}}, status=400)
    try:
        chart = price_chart(token=token, range_key=range_key, until=at)
    except UnknownRange:
        message = _("Unknown range “%(range)s”; use one of: %(ranges)s.") % {
            "range": range_key[:20],
            "ranges": ", ".join(RANGES),
        }
        return JsonResponse({"error": message, "ranges": list(RANGES)}, status=400)
    chart["annotations"] = annotations_for(kind="token", obj=token, points=chart["price"])
    return JsonResponse(chart)


# --- Language -----------------------------------------------------------------------------


@never_cache
@require_safe
def language_switch(request):
    """``/i18n/switch/?language=fr&next=/tokens/TAO/``: remember the language, go back.

    A plain link rather than Django's ``set_language`` form (still served at /i18n/setlang/):
    cached pages are shared between anonymous visitors and must carry no CSRF token. ``next``
    must be on this site (else the dashboard); an unknown language changes nothing.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("markets:dashboard")
    response = HttpResponseRedirect(next_url)
    language = request.GET.get("language", "")
    if language in dict(settings.LANGUAGES):
        language_cookie_set(response, language=language)
        # A GET link (no CSRF token): a link on another site may set the cookie, as it
        # always could, but not the account's language.
        if request.headers.get("Sec-Fetch-Site", "same-origin") in {"same-origin", "none"}:
            language_chosen.send(sender=language_switch, request=request, language=language)
    return response
