"""A drawn chart holds the charting library's credit link. As role="img" its children were
presentational: the link took the keyboard focus yet a screen reader could not say what it
was (axe: nested-interactive). As a figure named by its title, the link is a link."""

import re
from pathlib import Path

from django.conf import settings

CHART = re.compile(r'<div\b[^>]*class="chart\b[^"]*"[^>]*>', re.S)


def chart_tags() -> dict[str, list[str]]:
    base = Path(settings.BASE_DIR)
    found = {}
    for path in sorted(base.glob("*/templates/**/*.html")):
        tags = CHART.findall(path.read_text())
        if tags:
            found[str(path.relative_to(base))] = tags
    return found


def test_every_drawn_chart_is_a_named_figure_not_an_image_whose_link_is_hidden():
    charts = chart_tags()
    assert len(charts) >= 4  # token, list cap, episode and watchlist value charts
    for path, tags in charts.items():
        for tag in tags:
            assert 'role="figure"' in tag, (path, tag)
            assert "aria-labelledby=" in tag or "aria-label=" in tag, (path, tag)
