"""Foreign keys to tokens are checked once per batch in bulk COPYs, with the same guarantee."""

import numpy as np
import pytest
from django.db import IntegrityError, connection, transaction

from markets.models import PriceHourly, Snapshot
from markets.services import bulk_load, ingest
from markets.services.bulk_load import token_keys_checked_once
from markets.services.ingest import QuoteColumns, snapshot_ingest

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the replica role is PostgreSQL's"
)


def role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


def hourly_insert(token_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO markets_pricehourly (token_id, hour, close_usd)"
            " VALUES (%s, '2026-02-01T00:00:00Z', 1.0)",
            [token_id],
        )


def test_rows_of_known_tokens_are_stored_and_the_role_is_back_to_origin_after(tao):
    with token_keys_checked_once(token_ids=[tao.id]):
        assert role() == "replica"
        hourly_insert(tao.id)
    assert role() == "origin"
    assert PriceHourly.objects.filter(token=tao).count() == 1


def test_a_token_that_does_not_exist_fails_the_batch_and_stores_nothing(tao):
    ids = [tao.id, tao.id + 1000]
    with (
        pytest.raises(IntegrityError, match="no token with id"),
        token_keys_checked_once(token_ids=ids),
    ):
        hourly_insert(tao.id)
    assert role() == "origin"
    assert not PriceHourly.objects.exists()


def test_an_error_inside_rolls_the_role_back_with_the_rows(tao):
    with pytest.raises(ValueError), token_keys_checked_once(token_ids=[tao.id]):
        hourly_insert(tao.id)
        raise ValueError("boom")
    assert role() == "origin"
    assert not PriceHourly.objects.exists()


def test_without_the_right_to_set_the_role_the_per_row_checks_stay(tao, monkeypatch):
    monkeypatch.setattr(bulk_load, "_replica_role_set", lambda: False)
    with pytest.raises(IntegrityError), transaction.atomic():
        with token_keys_checked_once(token_ids=[tao.id]):
            assert role() == "origin"
            hourly_insert(tao.id + 1000)  # the row's own foreign key check refuses it
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.parametrize("overlapping", [False, True], ids=["direct-copy", "upsert"])
@pytest.mark.parametrize("cap", [1e9, float("nan")], ids=["cap", "no-cap"])
def test_a_big_batch_for_a_token_that_does_not_exist_stores_nothing(
    tao, monkeypatch, cap, overlapping
):
    monkeypatch.setattr(ingest, "DIRECT_COPY_MIN_ROWS", 10)
    if overlapping:  # as if a snapshot were stored in the span: the upsert path
        monkeypatch.setattr(ingest, "_overlaps", lambda columns, source: True)
    ts = 1_770_000_000 + 60 * np.arange(20, dtype=np.int64)
    ids = np.r_[np.full(10, tao.id), np.full(10, tao.id + 1000)].astype(np.int64)
    quotes = QuoteColumns(ids, ts, np.full(20, 5.0), np.full(20, cap), np.full(20, 1e6))
    with pytest.raises(IntegrityError), transaction.atomic():
        snapshot_ingest(quotes=quotes, source="csv")
    assert not Snapshot.objects.exists()
