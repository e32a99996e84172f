"""``{% fear_greed_panel as fg %}``: the dashboard's Fear & Greed gauge data (one query);
``{{ row.classification|fear_greed_label }}``: a stored band in the reader's language."""

from __future__ import annotations

from django import template

from markets.fear_greed_chart import classification_label, fear_greed_panel_build
from markets.selectors import fear_greed_recent

register = template.Library()

HISTORY_DAYS = 90


@register.simple_tag(takes_context=True)
def fear_greed_panel(context) -> dict | None:
    """The latest value and 90 days of history; up to the page's ``at`` when it replays one."""
    replay = context.get("replay")  # views_replay.replay_context
    rows = fear_greed_recent(days=HISTORY_DAYS, at=replay["at"] if replay else None)
    return fear_greed_panel_build(rows)


@register.filter
def fear_greed_label(classification: str) -> str:
    """alternative.me's "Extreme Fear" as the page's language says it ("Peur extrême")."""
    return classification_label(classification)
