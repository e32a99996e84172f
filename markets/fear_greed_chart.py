"""The Fear & Greed gauge and its history as server-drawn SVG geometry (no script, no inline
style: the strict CSP allows SVG attributes)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from markets.models import FearGreedDaily
from markets.providers.fear_greed import BANDS as TOPS
from markets.providers.fear_greed import classification_for


def _css(label: str) -> str:
    return label.lower().replace(" ", "-")  # "Extreme Fear" -> extreme-fear


# The provider's bands as (lowest value, highest value, CSS modifier).
BANDS = [
    (0 if i == 0 else TOPS[i - 1][0] + 1, top, _css(label)) for i, (top, label) in enumerate(TOPS)
]
LABELS = {
    "Extreme Fear": _("Extreme fear"),
    "Fear": _("Fear"),
    "Neutral": _("Neutral"),
    "Greed": _("Greed"),
    "Extreme Greed": _("Extreme greed"),
}
CENTER_X, CENTER_Y, RADIUS, NEEDLE = 100.0, 100.0, 80.0, 66.0
HISTORY_W, HISTORY_H = 300.0, 80.0


def classification_label(classification: str) -> str:
    """The index's classification in the active language (unknown ones as they came)."""
    return str(LABELS.get(classification, classification))


def band_of(value: int) -> str:
    return _css(classification_for(value))


def _point(value: float, radius: float) -> tuple[float, float]:
    """Where ``value`` (0 left, 100 right) sits on the upper half circle."""
    angle = math.pi * (1 - value / 100)
    return (round(CENTER_X + radius * math.cos(angle), 2),
            round(CENTER_Y - radius * math.sin(angle), 2))  # fmt: skip


def _arc(low: float, high: float) -> str:
    (x1, y1), (x2, y2) = _point(low, RADIUS), _point(high, RADIUS)
    return f"M {x1} {y1} A {RADIUS} {RADIUS} 0 0 1 {x2} {y2}"


@dataclass(frozen=True)
class GaugeBand:
    path: str
    css: str


GAUGE_BANDS = [GaugeBand(_arc(max(low - 0.5, 0), min(high + 0.5, 100)), css)
               for low, high, css in BANDS]  # fmt: skip


def fear_greed_panel_build(rows: Sequence[FearGreedDaily]) -> dict | None:
    """Everything the dashboard's gauge shows, from daily rows oldest first (None if none)."""
    if not rows:
        return None
    latest = rows[-1]
    low = min(rows, key=lambda r: (r.value, -r.day.toordinal()))  # the latest of equal lows
    needle_x, needle_y = _point(latest.value, NEEDLE)
    return {
        "latest": latest,
        "label": classification_label(latest.classification),
        "band": band_of(latest.value),
        "is_demo": latest.source == "demo",
        "needle_x": needle_x,
        "needle_y": needle_y,
        "bands": GAUGE_BANDS,
        "low": low,
        "low_label": classification_label(low.classification),
        "first_day": rows[0].day,
        "days": len(rows),
        **_history(rows, low),
    }


def _history(rows: Sequence[FearGreedDaily], low: FearGreedDaily) -> dict:
    """A polyline of the daily values (0 at the bottom, 100 at the top) and the low's dot."""
    step = HISTORY_W / max(len(rows) - 1, 1)

    def y(value: int) -> float:
        return round(HISTORY_H - value * HISTORY_H / 100, 2)

    points = " ".join(f"{round(i * step, 2)},{y(r.value)}" for i, r in enumerate(rows))
    low_index = next(i for i, r in enumerate(rows) if r is low)
    return {
        "points": points,
        "low_x": round(low_index * step, 2),
        "low_y": y(low.value),
        "grid": [y(25), y(50), y(75)],
    }
