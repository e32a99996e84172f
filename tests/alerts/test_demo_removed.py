"""When the demo data are removed, alerts forget the "before" prices taken from them."""

from __future__ import annotations

from alerts.engine import alerts_evaluate
from alerts.models import AlertFiring, PriceSeen
from alerts.services import alert_create
from markets.providers.base import Quote
from markets.services.demo_removal import demo_remove
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute


def test_no_crossing_fires_between_a_demo_price_and_the_first_live_one(market, btc, alice):
    snapshot_ingest(quotes=[Quote(btc.pk, market.now, 62_000.0)], source="demo")
    metrics_recompute(token_ids=[btc.pk])
    rule = alert_create(
        owner=alice, condition="crossing_down", value=60_000, target="token", symbol="BTC",
        frequency="rearm", cooldown_seconds=0,
    )  # fmt: skip
    alerts_evaluate()
    assert PriceSeen.objects.filter(token=btc).exists()

    demo_remove()
    rule.refresh_from_db()
    assert (rule.baseline_price, rule.baseline_as_of) == (None, None)
    assert not PriceSeen.objects.exists()

    market.tick({btc: 59_000})  # the first live price: nothing to cross from
    assert not AlertFiring.objects.exists()
    market.tick({btc: 61_000})
    market.tick({btc: 59_500})  # a real crossing between two live prices
    assert list(AlertFiring.objects.values_list("value", flat=True)) == [59_500]
