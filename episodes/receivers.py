"""The episodes app follows the demo data markets seeds and removes (markets/signals.py)."""

from __future__ import annotations

from django.dispatch import receiver

from episodes.services import episode_demo_remove, episode_demo_seed
from markets.signals import demo_removed, demo_seeded


@receiver(demo_seeded, dispatch_uid="episodes-demo-seed")
def on_demo_seeded(sender, *, end, **kwargs) -> None:
    episode_demo_seed(end=end)


@receiver(demo_removed, dispatch_uid="episodes-demo-remove")
def on_demo_removed(sender, **kwargs) -> None:
    episode_demo_remove()
