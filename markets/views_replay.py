"""The web side of the replay (?at=): parsing it for a view, and what templates need."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render

from core.busy import client_ident, client_slot
from markets.services.replay import BadAt, Replay, at_param, replay_at_parse

REPLAY_BUSY_RETRY_SECONDS = 1


def replayable(view):
    """Pass the view ``at``, the replayed hour of ``?at=`` (None: now); a bad value is a 400
    page saying what is wrong, with a link back to now. A client already computing
    REPLAY_CONCURRENCY_PER_CLIENT replayed hours gets a 429 asking to retry (core.busy)."""

    @wraps(view)
    def replay_view(request, *args, **kwargs):
        try:
            at = replay_at_parse(request.GET.get("at"))
        except BadAt as exc:
            context = {"message": str(exc), "value": request.GET.get("at", "")[:40]}
            return render(request, "markets/replay_error.html", context, status=400)
        if at is None:
            return view(request, *args, at=at, **kwargs)
        limit = settings.REPLAY_CONCURRENCY_PER_CLIENT
        with client_slot(kind="replay", ident=client_ident(request), limit=limit) as free:
            if free:
                return view(request, *args, at=at, **kwargs)
        response = render(request, "markets/replay_busy.html", {"limit": limit}, status=429)
        response["Retry-After"] = str(REPLAY_BUSY_RETRY_SECONDS)
        return response

    return replay_view


def params_besides_at(query) -> list[tuple[str, str]]:
    """A page's query parameters other than ``at`` (a table's sort), which a replay keeps."""
    if query is None:
        return []
    return [(key, value) for key, values in query.lists() if key != "at" for value in values]


def _now_url(request) -> str:
    """The page without ``at``, its other parameters kept."""
    others = params_besides_at(request.GET)
    return f"{request.path}?{urlencode(others)}" if others else request.path


def replay_context(request, replay: Replay | None) -> dict:
    """What templates need to show a replay: the banner, and ``at`` kept on market links."""
    if replay is None:
        return {"replay": None, "at_query": ""}
    param = at_param(replay.at)
    return {
        "replay": {"at": replay.at, "param": param, "is_empty": replay.is_empty,
                   "now_url": _now_url(request)},
        "at_query": f"?{urlencode({'at': param}, safe=':')}",
    }  # fmt: skip
