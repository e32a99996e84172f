"""A big batch of new history gets its hourly and day closes from the batch itself, exactly
as the SQL refresh would compute them; batches over stored hours keep the SQL refresh."""

from datetime import UTC, datetime

import numpy as np
import pytest
from django.db import connection

from markets.models import PriceDayCloses, PriceHourly
from markets.services import ingest
from markets.services.hourly import price_hourly_refresh
from markets.services.hourly_bulk import price_closes_from_batch
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.metrics import derived_refresh

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the batch closes are PostgreSQL's"
)

START = 1_770_000_000 - 1_770_000_000 % 86_400 + 1_800  # 00:30 UTC on a day


def quotes(token_ids: list[int], n: int, start: int = START, step: int = 1_500) -> QuoteColumns:
    """Quotes every 25 minutes (several per hour, some hours with one), prices all different."""
    ts = start + step * np.arange(n, dtype=np.int64)
    ids = np.repeat(np.array(token_ids, np.int64), n)
    price = 1.0 + np.arange(len(ids), dtype=np.float64)
    return QuoteColumns(ids, np.tile(ts, len(token_ids)), price, price * 1e6, price * 1e3)


def closes() -> tuple[list, list]:
    hourly = sorted(PriceHourly.objects.values_list("token_id", "hour", "close_usd"))
    days = sorted((t, d, bytes(c)) for t, d, c in PriceDayCloses.objects.values_list(
        "token_id", "day", "closes"))  # fmt: skip
    return hourly, days


@pytest.fixture
def small_batches_are_big(monkeypatch):
    monkeypatch.setattr(ingest, "DIRECT_COPY_MIN_ROWS", 10)


def test_a_new_history_gets_the_closes_the_sql_refresh_computes(tao, btc, small_batches_are_big):
    result = snapshot_ingest(quotes=quotes([tao.id, btc.id], 200), source="csv")
    assert result.fresh_batch is not None
    price_closes_from_batch(quotes=result.fresh_batch)
    from_batch = closes()
    PriceHourly.objects.all().delete()
    PriceDayCloses.objects.all().delete()
    price_hourly_refresh(token_ids=result.token_ids, since=result.ts_min, until=result.ts_max)
    assert closes() == from_batch
    # 200 quotes 25 minutes apart from 00:30: 84 hours (00:00 to 83:00) and 4 days per token.
    assert len(from_batch[0]) == 2 * 84 and len(from_batch[1]) == 2 * 4


def test_the_first_day_keeps_an_older_close_of_another_source(tao, small_batches_are_big):
    older = QuoteColumns(np.array([tao.id]), np.array([START + 2_400]), np.array([7.0]),
                         np.array([1e6]), np.array([1e3]))  # fmt: skip
    derived_refresh(ingested=snapshot_ingest(quotes=older, source="coingecko"))
    result = snapshot_ingest(quotes=quotes([tao.id], 100, start=START + 7_200), source="csv")
    assert result.fresh_batch is not None  # the older quote lies in an earlier hour
    derived_refresh(ingested=result)
    day = datetime.fromtimestamp(START - START % 86_400, UTC).date()
    packed = np.frombuffer(PriceDayCloses.objects.get(token=tao, day=day).closes, ">f8")
    assert np.isnan(packed[0])
    assert packed[1] == 7.0  # 01:10 from coingecko, then the batch from 02:30
    assert packed[2] == 2.0  # 02:55 is the batch's last quote of 02:00 (02:30, 02:55)


def test_a_batch_over_an_hour_holding_another_quote_takes_the_sql_refresh(
    tao, small_batches_are_big
):
    later = QuoteColumns(np.array([tao.id]), np.array([START + 1_700]), np.array([9.0]),
                         np.array([1e6]), np.array([1e3]))  # fmt: skip
    derived_refresh(ingested=snapshot_ingest(quotes=later, source="coingecko"))  # 00:58
    result = snapshot_ingest(quotes=quotes([tao.id], 100), source="csv")
    assert result.fresh_batch is None
    derived_refresh(ingested=result)
    hour = datetime.fromtimestamp(START - 1_800, UTC)
    assert PriceHourly.objects.get(token=tao, hour=hour).close_usd == 9.0  # later than 00:55


def test_a_stale_hourly_close_in_the_span_falls_back_to_the_sql_refresh(tao, small_batches_are_big):
    hour = datetime.fromtimestamp(START - 1_800 + 7_200, UTC)
    PriceHourly.objects.create(token=tao, hour=hour, close_usd=123.0)  # no snapshot behind it
    result = snapshot_ingest(quotes=quotes([tao.id], 100), source="csv")
    derived_refresh(ingested=result)
    # 02:00 holds 02:10, 02:35: the SQL refresh rewrote the stale close with the later one.
    assert PriceHourly.objects.get(token=tao, hour=hour).close_usd == 6.0
    assert PriceHourly.objects.filter(token=tao).count() == 42


def test_a_csv_import_of_new_history_stores_its_closes_from_the_batch(
    tao, small_batches_are_big, monkeypatch
):
    from markets.services import hourly_bulk
    from markets.services.csv_import import prices_import_csv

    used = []
    real = hourly_bulk.price_closes_from_batch
    monkeypatch.setattr(
        "markets.services.metrics.price_closes_from_batch",
        lambda *, quotes: used.append(len(quotes)) or real(quotes=quotes),
    )
    rows = [f"TAO,2026-02-01T{h:02d}:{m:02d}:00Z,{h + m / 100},,5" for h in range(24)
            for m in (10, 40)]  # fmt: skip
    text = "symbol,timestamp,price_usd,market_cap_usd,volume_24h_usd\n" + "\n".join(rows)
    assert prices_import_csv(text=text).stored == 48
    assert used == [48]
    packed = np.frombuffer(PriceDayCloses.objects.get(token=tao).closes, ">f8")
    assert packed.tolist() == [h + 0.4 for h in range(24)]  # each hour's :40 quote
