"""Storing computed token metrics: every field as computed, NULL kept NULL, replaced in place."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from markets.models import TokenMetrics
from markets.services.metrics_store import TOKEN_FIELDS, token_metrics_build, token_metrics_store
from tests.factories import TokenFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 2, 6, 8, 0, 12, 345_678, tzinfo=UTC)


def _values(seed: float, *, unknown: bool = False) -> dict:
    values = {name: seed + n / 7 for n, name in enumerate(TOKEN_FIELDS)}
    values |= {"as_of": 1_770_364_800 + int(seed), "ath_at": 631_152_000 + int(seed)}
    del values["computed_at"]
    if unknown:
        for name in (
            "market_cap_usd",
            "volume_24h_usd",
            "change_30d",
            "turnover",
            "beta_btc_30d",
            "corr_btc_30d",
            "ref_cap_24h_usd",
            "ref_cap_7d_usd",
        ):
            values[name] = None  # fmt: skip
    return values


def _store(computed: dict) -> None:
    with transaction.atomic():
        token_metrics_store(computed=computed, now=NOW)


def test_every_field_is_stored_as_computed_and_unknown_values_stay_null():
    known, unknown = TokenFactory(symbol="TAO"), TokenFactory(symbol="NEAR")
    computed = {known.pk: _values(1.5), unknown.pk: _values(2.5, unknown=True)}

    _store(computed)

    for token_id, values in computed.items():
        expected = token_metrics_build(token_id, values, NOW)
        stored = TokenMetrics.objects.get(token_id=token_id)
        for name in TOKEN_FIELDS:
            assert getattr(stored, name) == getattr(expected, name), name
    assert TokenMetrics.objects.get(token_id=unknown.pk).turnover is None


def test_a_second_store_replaces_the_row_and_leaves_the_others():
    tao, near = TokenFactory(symbol="TAO"), TokenFactory(symbol="NEAR")
    _store({tao.pk: _values(1.0), near.pk: _values(2.0)})

    _store({tao.pk: _values(9.0, unknown=True)})

    assert TokenMetrics.objects.count() == 2
    assert TokenMetrics.objects.get(token_id=tao.pk).price_usd == _values(9.0)["price_usd"]
    assert TokenMetrics.objects.get(token_id=tao.pk).market_cap_usd is None
    assert TokenMetrics.objects.get(token_id=near.pk).price_usd == _values(2.0)["price_usd"]


def test_nothing_to_store_runs_no_query():
    with CaptureQueriesContext(connection) as captured:
        _store({})

    assert [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]] == []


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite caps a statement's parameters: bulk_create splits big batches there",
)
def test_the_queries_do_not_grow_with_the_number_of_tokens():
    counts = []
    for size in (5, 50):
        tokens = TokenFactory.create_batch(size)
        with CaptureQueriesContext(connection) as captured:
            _store({t.pk: _values(float(i)) for i, t in enumerate(tokens)})
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert TokenMetrics.objects.count() == 55
