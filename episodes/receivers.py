"""The episodes app follows the demo data markets seeds and removes (markets/signals.py), and
makes cached pages stale when staff change an episode, an event, a level or a fact."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.cache import data_version_bump
from episodes.models import Episode, Event, Level, MarketFact
from episodes.services import episode_demo_remove, episode_demo_seed
from markets.signals import demo_removed, demo_seeded


@receiver(demo_seeded, dispatch_uid="episodes-demo-seed")
def on_demo_seeded(sender, *, end, **kwargs) -> None:
    episode_demo_seed(end=end)


@receiver(demo_removed, dispatch_uid="episodes-demo-remove")
def on_demo_removed(sender, **kwargs) -> None:
    episode_demo_remove()


def _pages_stale(sender, **kwargs) -> None:
    """Charts and episode pages show these rows: anonymous visitors' cached copies go."""
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m: its post_ action follows
        return
    transaction.on_commit(data_version_bump, robust=True)


for model in (Episode, Event, Level, MarketFact):
    post_save.connect(_pages_stale, sender=model, dispatch_uid=f"episodes-stale-save-{model}")
    post_delete.connect(_pages_stale, sender=model, dispatch_uid=f"episodes-stale-del-{model}")
for through in (Episode.lists.through, Event.tokens.through, Event.lists.through):
    m2m_changed.connect(_pages_stale, sender=through, dispatch_uid=f"episodes-stale-m2m-{through}")
