"""``{% replay_steps %}``: the hours of a replay control (see markets/_replay_control.html)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django import template
from django.http import QueryDict

from core.times import date_text
from markets.services.replay import at_param
from markets.views_replay import params_besides_at

register = template.Library()
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _floor(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _href(url: str, at: datetime, query: QueryDict | None) -> str:
    """``url?at=…``, with the page's other parameters (a table's sort) kept after it."""
    others = params_besides_at(query)
    return f"{url}?{urlencode([('at', at_param(at)), *others], safe=':')}"


@register.simple_tag
def replay_steps(
    start: datetime,
    end: datetime,
    current: datetime | None,
    url: str,
    query: QueryDict | None = None,
) -> dict:
    """The window's bounds (epoch seconds too), the current hour (clamped into the window;
    None is its end), its index, and the links one hour before and after (keeping the other
    parameters of ``query``, the page's, e.g. its sort), and each day of the window as pages
    write it (JSON by ISO date: replay.js labels the hours as core.times.datetime_text)."""
    start, end = _floor(start), _floor(end)
    current = end if not current else min(max(_floor(current), start), end)
    hours = int((end - start) / HOUR)
    days = {(start + n * DAY).date() for n in range(int((end - start) / DAY) + 1)} | {end.date()}
    return {
        "start": start,
        "end": end,
        "current": current,
        "start_epoch": int(start.timestamp()),
        "end_epoch": int(end.timestamp()),
        "current_epoch": int(current.timestamp()),
        "hours": hours,
        "index": int((current - start) / HOUR),
        "prev_url": _href(url, max(current - HOUR, start), query),
        "next_url": _href(url, min(current + HOUR, end), query),
        "day_labels": json.dumps({d.isoformat(): date_text(d) for d in sorted(days)}),
    }
