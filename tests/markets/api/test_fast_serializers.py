"""The token list's direct read-out gives exactly what DRF's field-by-field one gives, in
fewer queries for a list that fits one page (its length is the count)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from markets.api.serializers import (
    ListMetricsSerializer,
    MemberSerializer,
    SnapshotBucketSerializer,
    SnapshotSerializer,
    TokenDetailSerializer,
    TokenMetricsSerializer,
    TokenSerializer,
)
from markets.models import ListMetrics, Token
from tests.factories import TokenFactory

pytestmark = pytest.mark.django_db


def _drf(serializer, instance):
    """What DRF itself would give: the generic field-by-field read-out."""
    return serializers.ModelSerializer.to_representation(serializer, instance)


@pytest.fixture
def context():
    return {"request": Request(APIRequestFactory().get("/api/v1/tokens/"))}


def test_tokens_with_and_without_metrics_read_out_as_drf_does(ai_list, context):
    tokens = list(Token.objects.select_related("metrics").order_by("symbol"))
    assert {hasattr(t, "metrics") for t in tokens} == {True, False}  # ICP has none

    for token in tokens:
        fast = TokenSerializer(token, context=context).data
        assert fast == _drf(TokenSerializer(context=context), token)
        assert list(fast) == TokenSerializer.Meta.fields
        if hasattr(token, "metrics"):
            assert fast["metrics"] == _drf(TokenMetricsSerializer(), token.metrics)
            assert fast["metrics"]["as_of"].endswith("Z")


def test_a_member_keeps_its_position_and_a_detail_its_extra_fields(ai_list, context):
    token = Token.objects.select_related("metrics").get(symbol="TAO")
    token.position = 3
    member = MemberSerializer(token, context=context).data
    assert member == _drf(MemberSerializer(context=context), token)
    assert member["position"] == 3
    detail = TokenDetailSerializer(token, context=context).data
    assert {"lists", "snapshots_url"} <= set(detail)


def test_a_symbol_with_dots_and_hyphens_gets_the_url_django_would_reverse(context):
    token = TokenFactory(symbol="USD.E-2")  # nothing needing quotes can be stored any more
    fast = TokenSerializer(token, context=context).data
    assert fast["url"] == _drf(TokenSerializer(context=context), token)["url"]


def test_list_metrics_read_out_as_drf_does(ai_list):
    metrics = ListMetrics.objects.first()
    assert metrics is not None
    assert ListMetricsSerializer(metrics).data == _drf(ListMetricsSerializer(), metrics)


def test_snapshot_rows_and_buckets_read_out_as_drf_does():
    moment = datetime(2026, 2, 5, 14, 30, 15, 250_000, tzinfo=UTC)
    rows = [
        {"ts": moment, "price_usd": 164.2, "market_cap_usd": None, "volume_24h_usd": 3e8,
         "source": "coingecko"},
        {"ts": moment.astimezone(timezone.get_fixed_timezone(60)), "price_usd": 1e-9,
         "market_cap_usd": 1.5e9, "volume_24h_usd": None, "source": "csv"},
    ]  # fmt: skip
    buckets = [
        {"bucket": moment, "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5,
         "last_market_cap_usd": None, "last_volume_24h_usd": 7.0, "count": 24},
    ]  # fmt: skip
    for serializer, items in ((SnapshotSerializer, rows), (SnapshotBucketSerializer, buckets)):
        fast = serializer(items, many=True).data
        slow = [serializers.Serializer.to_representation(serializer(), item) for item in items]
        assert fast == slow
    assert SnapshotSerializer(rows[1]).data["ts"] == "2026-02-05T14:30:15.250000Z"


def test_the_token_list_reads_in_one_query_when_it_fits_a_page(api_client, ai_list):
    with CaptureQueriesContext(connection) as queries:
        data = api_client.get("/api/v1/tokens/").json()
    assert data["count"] == 3
    assert len(queries) == 1


def test_a_list_longer_than_a_page_still_counts_and_pages(api_client, ai_list):
    for n in range(4):
        TokenFactory(symbol=f"X{n}")
    first = api_client.get("/api/v1/tokens/", {"page_size": 3}).json()
    third = api_client.get("/api/v1/tokens/", {"page_size": 3, "page": 3}).json()
    assert (first["count"], len(first["results"]), first["next"] is not None) == (7, 3, True)
    assert (third["count"], len(third["results"]), third["next"]) == (7, 1, None)
    assert api_client.get("/api/v1/tokens/", {"page_size": 3, "page": 4}).status_code == 404


def test_an_empty_list_is_one_empty_page(api_client, db):
    data = api_client.get("/api/v1/tokens/").json()
    assert (data["count"], data["results"]) == (0, [])
