"""Writes of the episodes app: seeding and removing the demo episode with the demo data."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from episodes import demo
from episodes.models import Episode, Event, Level, MarketFact
from markets.models import Token, TokenList


@transaction.atomic
def episode_demo_seed(*, end: datetime) -> Episode | None:
    """The article's episode, events, facts and BTC support band, for demo data ending at
    ``end``. Seeding again replaces the demo rows (never staff's own). An episode with the
    demo's slug that staff created is left as it is (None is returned)."""
    episode_demo_remove()
    lists = {tl.slug: tl for tl in TokenList.objects.filter(slug__in=["ai", "ai-equities"])}
    symbols = {s for event in demo.EVENTS for s in event.tokens} | {demo.SUPPORT[0]}
    tokens = {t.symbol: t for t in Token.objects.filter(symbol__in=symbols)}

    def at(hours: int) -> datetime:
        return end - timedelta(hours=hours)

    episode = None
    if not Episode.objects.filter(slug=demo.SLUG).exists():
        episode = Episode.objects.create(
            slug=demo.SLUG, title=demo.TITLE[0], title_fr=demo.TITLE[1],
            start=at(demo.WINDOW_HOURS), end=end, summary=demo.SUMMARY[0],
            summary_fr=demo.SUMMARY[1], is_published=True, is_demo=True,
        )  # fmt: skip
        episode.lists.set([lists[slug] for slug in ("ai", "ai-equities") if slug in lists])
    for spec in demo.EVENTS:
        event = Event.objects.create(
            at=at(spec.hours_before_end), title=spec.title, title_fr=spec.title_fr,
            description=demo.NOTE_EN, description_fr=demo.NOTE_FR, is_demo=True,
        )  # fmt: skip
        event.tokens.set([tokens[s] for s in spec.tokens if s in tokens])
        event.lists.set([lists[slug] for slug in spec.lists if slug in lists])
    MarketFact.objects.bulk_create(
        MarketFact(
            at=at(spec.hours_before_end),
            value=spec.value,
            unit=spec.unit,
            wording=spec.wording,
            wording_fr=spec.wording_fr,
            source=demo.SOURCE,
            episode=episode,
            is_demo=True,
        )
        for spec in demo.FACTS
    )
    symbol, low, high, label, label_fr = demo.SUPPORT
    if symbol in tokens:
        Level.objects.create(
            token=tokens[symbol], low=low, high=high, label=label, label_fr=label_fr, is_demo=True
        )
    return episode


@transaction.atomic
def episode_demo_remove() -> int:
    """Delete every row seeded with the demo data; returns how many were deleted."""
    deleted = 0
    for model in (MarketFact, Event, Level, Episode):
        deleted += model.objects.filter(is_demo=True).delete()[1].get(model._meta.label, 0)
    return deleted
