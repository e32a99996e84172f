"""Annotations that apps above draw on another app's charts, without that app importing them.

``markets`` draws a token's price chart; ``episodes`` (above it) wants its dated events there
as markers and its price levels as shaded bands. The chart code calls
``chart_annotations(kind="token", obj=token, start=..., end=...)`` and every provider
registered (in its ``AppConfig.ready()``) with ``chart_annotations_register(fn)`` adds what it
has for that chart. Kinds: ``token`` (obj: a Token), ``list`` (a TokenList), ``watchlist``
(a Watchlist). A provider runs a fixed number of queries whatever it returns.

A marker is ``{"time": epoch seconds, "title": text in the active language, ...}`` and a band
``{"low": price, "high": price, "label": text}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Annotations = dict[str, list[dict]]
Provider = Callable[..., Annotations]

_providers: list[Provider] = []


def chart_annotations_register(fn: Provider) -> None:
    """``fn(*, kind, obj, start, end) -> {"markers": [...], "bands": [...]}`` (either optional)."""
    if fn not in _providers:
        _providers.append(fn)


def chart_annotations(*, kind: str, obj, start: datetime, end: datetime) -> Annotations:
    """Every provider's markers (by time) and bands for one chart over [start, end]."""
    markers: list[dict] = []
    bands: list[dict] = []
    for provider in _providers:
        found = provider(kind=kind, obj=obj, start=start, end=end) or {}
        markers.extend(found.get("markers", ()))
        bands.extend(found.get("bands", ()))
    markers.sort(key=lambda marker: marker["time"])
    return {"markers": markers, "bands": bands}
