"""Load the demo episode's context: the ai-equities list with its daily closes and the daily
Fear & Greed index (a reconstruction, source "demo", like the rest of the demo data)."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from markets.demo_context import equities_generate, fear_greed_generate
from markets.models import FearGreedDaily, PriceHourly, Snapshot, Token
from markets.providers.fear_greed import FearGreedPoint
from markets.services.demo_removal import DEMO_SOURCE
from markets.services.equities import SHARES_OUTSTANDING, ai_equities_setup
from markets.services.fear_greed import fear_greed_store
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.metrics import derived_refresh


def demo_context_seed(*, end: datetime) -> None:
    """Replace the demo closes and Fear & Greed days with those of the episode ending at
    ``end``. Call inside the demo seed's transaction, after the crypto metrics (for beta)."""
    ai_equities_setup()
    paths = equities_generate(end)
    tokens = dict(Token.objects.filter(symbol__in=paths).values_list("symbol", "pk"))
    Snapshot.objects.filter(token__in=tokens.values(), source=DEMO_SOURCE).delete()
    PriceHourly.objects.filter(token__in=tokens.values()).delete()
    ids = np.concatenate([np.full(len(p.ts), tokens[s], np.int64) for s, p in paths.items()])
    columns = QuoteColumns(
        token_id=ids,
        ts=np.concatenate([p.ts for p in paths.values()]),
        price_usd=np.concatenate([p.price for p in paths.values()]),
        market_cap_usd=np.concatenate(  # estimated as a Stooq refresh does
            [p.price * SHARES_OUTSTANDING[s] for s, p in paths.items()]
        ),
        volume_24h_usd=np.concatenate([p.volume_24h for p in paths.values()]),
    )
    ingested = snapshot_ingest(quotes=columns, source=DEMO_SOURCE)
    derived_refresh(ingested=ingested)
    FearGreedDaily.objects.filter(source=DEMO_SOURCE).delete()
    points = [FearGreedPoint(day, value, label) for day, value, label in fear_greed_generate(end)]
    fear_greed_store(points=points, source=DEMO_SOURCE)
