"""Load the demo episode: tokens, curated lists, 150 days of hourly snapshots, metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import transaction
from django.db.models import Count, Q

from markets.demo_episode import EPISODE_END, LISTS, TOKENS, episode_epochs, episode_generate
from markets.models import RefreshRun, Snapshot, Token, TokenList, TokenListMembership
from markets.services.demo_context import demo_context_seed
from markets.services.demo_removal import DEMO_SOURCE, demo_rows_delete
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.locks import market_data_lease
from markets.services.metrics import derived_refresh
from markets.services.refresh import run_record_finished
from markets.signals import demo_seeded


@dataclass(frozen=True)
class SeedResult:
    """What the demo holds once seeded: its coins, the equities of its context, and every
    demo snapshot of both (what ``demo_remove`` then counts)."""

    tokens: int
    equities: int
    snapshots: int
    end: datetime


def _tokens_upsert() -> dict[str, Token]:
    tokens = {}
    for spec in TOKENS:
        token, _ = Token.objects.update_or_create(
            symbol=spec.symbol,
            defaults={"name": spec.name, "coingecko_id": spec.coingecko_id,
                      "is_benchmark": spec.is_benchmark, "is_active": True},
        )  # fmt: skip
        tokens[spec.symbol] = token
    return tokens


def _lists_upsert(tokens: dict[str, Token]) -> None:
    for slug, (name, description, name_fr, description_fr, featured) in LISTS.items():
        if featured:
            TokenList.objects.filter(is_featured=True).exclude(slug=slug).update(is_featured=False)
        defaults = {"name": name, "description": description, "name_fr": name_fr,
                    "description_fr": description_fr, "is_featured": featured}  # fmt: skip
        if featured:  # the dashboard's list is public (featured_list_public)
            defaults["is_public"] = True
        token_list, _ = TokenList.objects.update_or_create(slug=slug, defaults=defaults)
        members = [spec.symbol for spec in TOKENS if slug in spec.lists]
        for position, symbol in enumerate(members):
            TokenListMembership.objects.update_or_create(
                token_list=token_list, token=tokens[symbol], defaults={"position": position}
            )


def demo_seed(*, end: datetime | None = None) -> SeedResult:
    """Replace the demo snapshots with the episode ending at ``end`` (default: EPISODE_END,
    the article's Friday morning, 6 February 2026: pages then show it at its real dates)."""
    end = end or EPISODE_END
    end_epoch = int(end.timestamp())
    epochs = episode_epochs(end_epoch)
    paths = episode_generate()
    # The refresh's lease, as an import or demo_remove: a refresh running meanwhile found no
    # demo history, or stored its hour after the seed, past the episode's end.
    with market_data_lease(purpose="demo seed"), transaction.atomic():
        tokens = _tokens_upsert()
        _lists_upsert(tokens)
        demo_rows_delete(recompute=False)  # the previous episode and what derives from it
        ids = np.concatenate([np.full(len(epochs), tokens[s].pk, np.int64) for s in paths])
        columns = QuoteColumns(
            token_id=ids,
            ts=np.tile(epochs, len(paths)),
            price_usd=np.concatenate([p.price for p in paths.values()]),
            market_cap_usd=np.concatenate([p.market_cap for p in paths.values()]),
            volume_24h_usd=np.concatenate([p.volume_24h for p in paths.values()]),
        )
        result = snapshot_ingest(quotes=columns, source=DEMO_SOURCE)
        derived_refresh(ingested=result)
        demo_context_seed(end=end)  # equities' closes and Fear & Greed (markets/demo_context.py)
        run_record_finished(
            provider=DEMO_SOURCE, kind=RefreshRun.Kind.SEED, tokens=len(tokens),
            stored=result.stored,
        )  # fmt: skip
    demo_seeded.send(sender=SeedResult, end=end)  # apps above seed their part of the story
    crypto = Q(token__asset_class=Token.AssetClass.CRYPTO)
    held = Snapshot.objects.filter(source=DEMO_SOURCE).aggregate(
        snapshots=Count("pk"),
        tokens=Count("token", filter=crypto, distinct=True),
        equities=Count("token", filter=~crypto, distinct=True),
    )
    return SeedResult(**held, end=end)
