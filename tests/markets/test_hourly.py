from datetime import UTC, datetime

from markets.models import PriceHourly
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import derived_refresh

T = 1_770_379_200  # 2026-02-06T12:00:00Z, on the hour


def closes(token):
    return [
        (h.hour.timestamp() - T, h.close_usd)
        for h in PriceHourly.objects.filter(token=token).order_by("hour")
    ]


def test_the_hourly_close_is_the_last_price_of_each_utc_hour(tao):
    ingested = snapshot_ingest(
        quotes=[Quote(tao.id, T + 60, 1.0), Quote(tao.id, T + 3000, 2.0),
                Quote(tao.id, T + 3600, 3.0), Quote(tao.id, T + 7199, 4.0)],
        source="test",
    )  # fmt: skip
    derived_refresh(ingested=ingested)
    assert closes(tao) == [(0, 2.0), (3600, 4.0)]
    assert PriceHourly.objects.first().hour == datetime(2026, 2, 6, 12, tzinfo=UTC)


def test_a_later_quote_in_the_same_hour_updates_its_close_only(tao, btc):
    derived_refresh(ingested=snapshot_ingest(quotes=[Quote(tao.id, T + 60, 1.0)], source="t"))
    derived_refresh(ingested=snapshot_ingest(quotes=[Quote(btc.id, T, 9.0)], source="t"))
    derived_refresh(ingested=snapshot_ingest(quotes=[Quote(tao.id, T + 120, 5.0)], source="t"))
    assert closes(tao) == [(0, 5.0)]
    assert closes(btc) == [(0, 9.0)]


def test_an_older_backfilled_quote_does_not_replace_a_later_close(tao):
    derived_refresh(ingested=snapshot_ingest(quotes=[Quote(tao.id, T + 600, 7.0)], source="a"))
    derived_refresh(ingested=snapshot_ingest(quotes=[Quote(tao.id, T + 60, 1.0)], source="b"))
    assert closes(tao) == [(0, 7.0)]
