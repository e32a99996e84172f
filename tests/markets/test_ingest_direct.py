"""Large new histories go straight into the snapshot table; overlaps take the upsert path."""

import numpy as np
import pytest
from django.db import connection

from markets.models import Snapshot
from markets.services import ingest
from markets.services.ingest import QuoteColumns, snapshot_ingest

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the direct COPY path is PostgreSQL's"
)


def columns(token_id: int, n: int, start: int = 1_770_000_000, price: float = 10.0):
    return QuoteColumns(
        np.full(n, token_id, np.int64), start + 60 * np.arange(n, dtype=np.int64),
        np.full(n, price), np.full(n, 1e9), np.full(n, 1e6),
    )  # fmt: skip


def test_new_history_is_copied_once_and_a_second_ingest_changes_nothing(tao, monkeypatch):
    monkeypatch.setattr(ingest, "DIRECT_COPY_MIN_ROWS", 10)
    copied = []
    real = ingest._copy_direct
    monkeypatch.setattr(ingest, "_copy_direct", lambda c, s: copied.append(len(c)) or real(c, s))
    assert snapshot_ingest(quotes=columns(tao.id, 50), source="csv").stored == 50
    assert copied == [50]
    assert snapshot_ingest(quotes=columns(tao.id, 50), source="csv").stored == 0
    assert copied == [50]  # the overlap sent the second one through the upsert
    changed = snapshot_ingest(quotes=columns(tao.id, 60, price=11.0), source="csv")
    assert changed.stored == 60 and Snapshot.objects.count() == 60
    assert set(Snapshot.objects.values_list("price_usd", flat=True)) == {11.0}


def test_another_sources_rows_in_the_span_do_not_block_the_direct_copy(tao, monkeypatch):
    monkeypatch.setattr(ingest, "DIRECT_COPY_MIN_ROWS", 10)
    snapshot_ingest(quotes=columns(tao.id, 20), source="coingecko")
    assert snapshot_ingest(quotes=columns(tao.id, 20), source="csv").stored == 20
    assert Snapshot.objects.count() == 40


def _stored_rows():
    return list(
        Snapshot.objects.order_by("ts").values_list("ts", "price_usd", "market_cap_usd",
                                                    "volume_24h_usd")
    )  # fmt: skip


@pytest.mark.parametrize("overlapping", [False, True], ids=["direct-copy", "upsert"])
def test_unknown_caps_and_volumes_are_stored_as_null_on_either_path(tao, monkeypatch, overlapping):
    monkeypatch.setattr(ingest, "DIRECT_COPY_MIN_ROWS", 10)
    copied = []
    real = ingest._copy_direct
    monkeypatch.setattr(ingest, "_copy_direct", lambda c, s: copied.append(len(c)) or real(c, s))
    if overlapping:
        monkeypatch.setattr(ingest, "_overlaps", lambda columns, source: True)
    quotes = columns(tao.id, 40)
    quotes.market_cap_usd[::2] = np.nan  # every combination of unknown cap and volume
    quotes.volume_24h_usd[::3] = np.nan

    assert snapshot_ingest(quotes=quotes, source="csv").stored == 40

    assert copied == ([] if overlapping else [40])
    stored = _stored_rows()
    assert len(stored) == 40
    for i, (_, price, cap, volume) in enumerate(stored):
        assert price == 10.0
        assert cap == (None if i % 2 == 0 else 1e9)
        assert volume == (None if i % 3 == 0 else 1e6)
