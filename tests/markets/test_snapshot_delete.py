"""delete_snapshots: removing a mistyped snapshot also repairs what was derived from it."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from markets.models import PriceDayCloses, PriceHourly, Snapshot, TokenMetrics
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute

pytestmark = pytest.mark.django_db
END = int(datetime(2026, 2, 6, 12, tzinfo=UTC).timestamp())
BAD = datetime(2099, 2, 6, 12, tzinfo=UTC)


def test_it_deletes_a_2099_row_and_the_metrics_read_the_real_latest_price_again(tao):
    quotes = [Quote(tao.pk, END - h * 3600, 100.0 + h, None, None) for h in range(48)]
    snapshot_ingest(quotes=[*quotes, Quote(tao.pk, int(BAD.timestamp()), 5.0, None, None)],
                    source="test")  # fmt: skip
    metrics_recompute(token_ids=[tao.pk])
    assert TokenMetrics.objects.get(token=tao).price_usd == 5.0
    out = io.StringIO()

    call_command("delete_snapshots", "tao", "--at", "2099-02-06T12:00:00Z", stdout=out)

    assert out.getvalue() == "Deleted 1 snapshot of TAO; its metrics are recomputed.\n"
    assert not Snapshot.objects.filter(ts=BAD).exists()
    assert not PriceHourly.objects.filter(hour=BAD).exists()
    assert not PriceDayCloses.objects.filter(day=BAD.date()).exists()
    assert Snapshot.objects.count() == 48
    assert TokenMetrics.objects.get(token=tao).price_usd == 100.0


def test_it_says_when_there_is_nothing_at_that_time(tao):
    with pytest.raises(CommandError, match="no snapshot of TAO at 2099-02-06T12:00:00Z"):
        call_command("delete_snapshots", "TAO", "--at", "2099-02-06T12:00:00Z")


def test_it_refuses_an_unknown_symbol_and_a_bad_time(tao):
    with pytest.raises(CommandError, match="unknown symbol: NOPE"):
        call_command("delete_snapshots", "NOPE", "--at", "2099-02-06T12:00:00Z")
    with pytest.raises(CommandError, match="needs a time zone"):
        call_command("delete_snapshots", "TAO", "--at", "2099-02-06T12:00:00")
