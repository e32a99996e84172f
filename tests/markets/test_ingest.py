import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.models import Snapshot
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest

T0 = 1_770_379_200


def quotes(token, n=3, price=10.0):
    return [Quote(token.id, T0 + i * 3600, price + i, 1e9, 1e7) for i in range(n)]


def test_it_stores_quotes_as_snapshots_of_the_source(tao):
    result = snapshot_ingest(quotes=quotes(tao), source="test")
    assert (result.received, result.stored, result.rejected) == (3, 3, 0)
    assert result.token_ids == {tao.id}
    rows = list(Snapshot.objects.order_by("ts").values_list("price_usd", "source"))
    assert rows == [(10.0, "test"), (11.0, "test"), (12.0, "test")]
    assert Snapshot.objects.first().ts.timestamp() == T0


def test_the_same_quote_twice_updates_one_row_and_counts_nothing_new(tao):
    snapshot_ingest(quotes=quotes(tao), source="test")
    again = snapshot_ingest(quotes=quotes(tao), source="test")
    assert again.stored == 0
    assert Snapshot.objects.count() == 3


def test_a_changed_quote_updates_its_row(tao):
    snapshot_ingest(quotes=quotes(tao), source="test")
    changed = snapshot_ingest(quotes=[Quote(tao.id, T0, 99.0, None, 5.0)], source="test")
    assert changed.stored == 1
    row = Snapshot.objects.get(ts__second=0, price_usd=99.0)
    assert (row.market_cap_usd, row.volume_24h_usd) == (None, 5.0)
    assert Snapshot.objects.count() == 3


def test_another_source_is_another_row(tao):
    snapshot_ingest(quotes=quotes(tao, 1), source="a")
    snapshot_ingest(quotes=quotes(tao, 1), source="b")
    assert Snapshot.objects.count() == 2


@pytest.mark.parametrize(
    ("price", "cap", "volume"),
    [(-1.0, None, None), (0.0, None, None), (math.nan, None, None), (math.inf, None, None),
     (1e12, None, None), (10.0, -5.0, None), (10.0, None, -1.0), (10.0, 1e20,
     None), (1e-320, None, None), (10.0, 1e-300, None), (10.0, None, 5e-324)],
)  # fmt: skip
def test_it_rejects_invalid_values_and_keeps_the_good_rows(tao, price, cap, volume):
    bad = Quote(tao.id, T0 + 99 * 3600, price, cap, volume)
    result = snapshot_ingest(quotes=[*quotes(tao, 2), bad], source="test")
    assert (result.stored, result.rejected) == (2, 1)
    assert not Snapshot.objects.filter(ts__gt="2026-02-07T00:00:00Z").exists()


def test_it_rejects_absurd_timestamps(tao):
    result = snapshot_ingest(quotes=[Quote(tao.id, 0, 1.0), Quote(tao.id, 10**11, 1.0)], source="x")
    assert (result.stored, result.rejected) == (0, 2)


def test_a_batch_repeating_a_quote_keeps_the_last_one(tao):
    result = snapshot_ingest(
        quotes=[Quote(tao.id, T0, 1.0), Quote(tao.id, T0, 2.0), Quote(tao.id, T0, 3.0)],
        source="test",
    )
    assert result.stored == 1
    assert Snapshot.objects.get().price_usd == 3.0


def test_an_empty_batch_stores_nothing(tao):
    assert snapshot_ingest(quotes=[], source="test").stored == 0


def test_the_query_count_does_not_grow_with_the_batch(tao, btc):
    def count(n):
        Snapshot.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            snapshot_ingest(quotes=quotes(tao, n) + quotes(btc, n), source="test")
        return len(ctx.captured_queries)

    assert count(5) == count(2_000)


@pytest.mark.parametrize(
    ("price", "cap"), [(1e-320, None), (10.0, 1e-300)], ids=["tiny price", "tiny cap"]
)
def test_a_provider_row_with_an_absurdly_small_amount_is_refused(price, cap):
    from markets.providers.base import quote_check

    quote, error = quote_check(token_id=1, ts=T0, price=price, cap=cap)

    assert quote is None
    assert "absurdly small" in error
