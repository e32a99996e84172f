"""Market-specific template tags: the 7-day sparkline. Numbers: ``{% load formatting %}``."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from core.templatetags.formatting import MISSING, pct
from markets.charts import sparkline_points

register = template.Library()


@register.simple_tag
def sparkline(values):
    """An inline SVG line of the 7-day hourly closes (empty when there are fewer than two)."""
    if not values or len(values) < 2:
        return format_html('<span class="spark spark--none">{}</span>', MISSING)
    first, last = values[0], values[-1]
    way = "up" if last > first else "down" if last < first else "flat"
    label = gettext("7-day trend: %(change)s") % {"change": pct(last / first - 1)}
    return format_html(
        '<svg class="spark spark--{}" viewBox="0 0 100 28" preserveAspectRatio="none"'
        ' role="img" aria-label="{}"><title>{}</title>'
        '<polyline points="{}" fill="none" vector-effect="non-scaling-stroke"/></svg>',
        way,
        label,
        label,
        sparkline_points(values),
    )
