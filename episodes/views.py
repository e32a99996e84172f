"""Episode pages: the index and one episode (timeline, figures from stored data, charts)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.cache import anonymous_cached
from core.charts import chart_annotations
from episodes import selectors
from episodes.models import Episode
from markets.charts import cap_chart, underwater
from markets.views_replay import replayable


def _staff(request) -> bool:
    return bool(request.user.is_authenticated and request.user.is_staff)


@require_safe
@anonymous_cached()
def episode_index(request):
    episodes = selectors.episode_listing(include_unpublished=_staff(request))
    return render(request, "episodes/index.html", {"episodes": list(episodes)})


def _charts(episode: Episode, figures: selectors.EpisodeFigures) -> dict:
    """The sector's cap and BTC's price over the window, with the events (and BTC's bands)."""
    charts = {}
    window = {"start": episode.start, "end": episode.end}
    if figures.sectors:
        sector = figures.sectors[0]
        chart = cap_chart(cap_series=sector.series)
        chart["annotations"] = chart_annotations(kind="list", obj=sector.token_list, **window)
        charts["sector"] = {"list": sector.token_list, "data": chart}
    if figures.btc and figures.btc_series:
        prices = [price for _, price in figures.btc_series]
        chart = {
            "symbol": figures.btc.token.symbol,
            "range": "episode",
            "count": len(prices),
            "price": figures.btc_series,
            "underwater": [
                [t, d] for (t, _p), d in zip(figures.btc_series, underwater(prices), strict=True)
            ],
            "annotations": chart_annotations(kind="token", obj=figures.btc.token, **window),
        }
        charts["btc"] = {"token": figures.btc.token, "data": chart}
    return charts


def _board_hour(episode: Episode, at: datetime | None) -> datetime:
    """The replayed hour: ``at`` kept inside the episode's window (its last hour by default)."""
    end = episode.end.replace(minute=0, second=0, microsecond=0)
    start = episode.start.replace(minute=0, second=0, microsecond=0)
    return end if at is None else min(max(at, start), end)


@require_safe
@anonymous_cached(params=("at",))
@replayable
def episode_detail(request, slug: str, *, at: datetime | None = None):
    try:
        episode = selectors.episode_get(slug=slug[:50], include_unpublished=_staff(request))
    except Episode.DoesNotExist:
        raise Http404(_("No published episode with this name.")) from None
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    board = selectors.episode_board_at(episode=episode, at=_board_hour(episode, at))
    context = {"episode": episode, "board": board}
    if partial and "at" in request.GET:  # the replay control asks for the board at an hour
        response = render(request, "episodes/detail.html#board", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    context["events"] = list(selectors.episode_timeline(episode=episode))
    if partial:  # htmx asks for the timeline alone
        response = render(request, "episodes/detail.html#timeline", context)
    else:
        figures = selectors.episode_figures_cached(episode=episode)
        lists = list(episode.lists.all())
        context |= {
            "figures": figures,
            "charts": _charts(episode, figures),
            # The slot "episode-sections" (discussions: poll and thread) reads token_list.
            "token_list": lists[0] if lists else None,
        }
        response = render(request, "episodes/detail.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
