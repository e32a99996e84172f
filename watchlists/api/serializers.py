"""Shapes of the watchlists API. Inputs are checked for type here and for meaning by the
services (one set of messages for pages and API).

Money: user inputs (quantity, cost_basis_usd) are echoed exactly as decimal strings; computed
money (cost_usd, value_usd, pnl_usd, peak_value_usd) are decimal strings rounded to the cent,
where value, P&L and peak derive from float market prices. Ratios are float fractions.
"""

from __future__ import annotations

from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import (
    PlainNumberMixin,
    ResourceUrlField,
    StrictSerializer,
    VisibleTextField,
)
from markets.api.serializers import TokenMetricsSerializer
from watchlists.csv_io import decimal_text


class ExactDecimalField(serializers.DecimalField):
    """A decimal string with every digit the user gave and no trailing zeros."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, coerce_to_string=True, **kwargs)

    def to_representation(self, value):
        return decimal_text(Decimal(value))


@extend_schema_field({"oneOf": [{"type": "string", "format": "decimal"}, {"type": "number"}]})
class DecimalInputField(PlainNumberMixin, ExactDecimalField):
    """An input decimal: a string keeps every digit; a JSON number is accepted too. A string
    is refused where the pages and the CSV import refuse it."""


def money(help_text: str, **kwargs) -> serializers.DecimalField:
    """US dollars as a decimal string rounded half up to the cent (e.g. "1234.57"; DRF's
    default, half to even, made 0.125 "0.12"); null if unknown."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=2, coerce_to_string=True, read_only=True,
        allow_null=True, rounding=ROUND_HALF_UP, help_text=help_text, **kwargs,
    )  # fmt: skip


def ratio(help_text: str, **kwargs) -> serializers.FloatField:
    return serializers.FloatField(read_only=True, allow_null=True, help_text=help_text, **kwargs)


# --- Inputs ------------------------------------------------------------------------------------


class LotInputSerializer(StrictSerializer):
    quantity = DecimalInputField(help_text="Tokens bought: more than 0, at most 1e12.")
    cost_basis_usd = DecimalInputField(help_text="Price paid per token in USD: > 0, <= 1e9.")
    purchased_at = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Purchase date (YYYY-MM-DD, UTC). Without it the lot counts from now.",
    )


class WatchlistCreateSerializer(StrictSerializer):
    name = VisibleTextField(help_text="1 to 80 characters, unique among your lists (any case).")


class WatchlistUpdateSerializer(StrictSerializer):
    name = VisibleTextField(required=False, help_text="A new name.")
    is_public = serializers.BooleanField(
        required=False,
        help_text="true: readable at a share link (a new share_token if it was private); "
        "false: private, the old link stops working.",
    )
    show_amounts = serializers.BooleanField(
        required=False, help_text="Visitors of the share link also see quantities and values."
    )
    position = serializers.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1,
        help_text="New place among your lists (0 = first; past the end = last).",
    )  # fmt: skip


class ItemCreateSerializer(StrictSerializer):
    symbol = serializers.CharField(allow_blank=True, help_text="Token symbol, any case.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Up to 500 characters."
    )
    lots = LotInputSerializer(many=True, required=False, help_text="The position, if any.")


class ItemUpdateSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, help_text="Up to 500 chars.")
    position = serializers.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1,
        help_text="New place in the list (0 = first; past the end = last).",
    )  # fmt: skip
    lots = LotInputSerializer(
        many=True, required=False, help_text="Replaces every lot ([] sells the whole position)."
    )
    add_lots = LotInputSerializer(
        many=True, required=False, help_text="Added to the existing lots (not with lots)."
    )


# --- Outputs -----------------------------------------------------------------------------------


class TotalsSerializer(serializers.Serializer):
    items_count = serializers.IntegerField(read_only=True)
    positions_count = serializers.IntegerField(read_only=True, help_text="Items with lots.")
    unpriced_count = serializers.IntegerField(
        read_only=True, help_text="Positions whose token has no price yet (left out of value)."
    )
    value_usd = money("Value of the priced positions now (from float market prices).")
    cost_usd = money("What every lot cost.")
    pnl_usd = money("Value minus the cost of the priced positions.")
    pnl_pct = ratio("P&L as a fraction of that cost (-0.25 = -25 %).")
    peak_value_usd = money("Highest total value, hourly, since the first lot.")
    drawdown_from_peak = ratio(
        "Total value now against that peak, minus 1 (<= 0). Money view: purchases raise it."
    )
    performance_drawdown = ratio(
        "Time-weighted return index now against its peak, minus 1 (<= 0): how far the "
        "holding fell, each purchase entering without moving the index."
    )


class WatchlistSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    url = ResourceUrlField(
        view_name="watchlists-api:watchlist-detail", lookup_field="pk", lookup_url_kwarg="id"
    )
    items_url = ResourceUrlField(
        view_name="watchlists-api:item-list", lookup_field="pk", lookup_url_kwarg="id"
    )
    name = serializers.CharField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    is_public = serializers.BooleanField(read_only=True)
    share_token = serializers.CharField(
        read_only=True, allow_null=True, help_text="Secret of the share link; null if private."
    )
    show_amounts = serializers.BooleanField(read_only=True)
    items_count = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class WatchlistDetailSerializer(WatchlistSerializer):
    items_count = serializers.IntegerField(source="totals.items_count", read_only=True)
    totals = TotalsSerializer(read_only=True)
    value_series = serializers.SerializerMethodField(
        help_text="With series=true: the hourly total value, [[epoch seconds, value USD "
        "(float), the time-weighted performance index below its running peak (fraction)], …]; "
        "otherwise null."
    )

    @extend_schema_field(
        {
            "type": "array",
            "nullable": True,
            "items": {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3},
        }
    )
    def get_value_series(self, watchlist):
        series = getattr(watchlist, "series", None)
        return None if series is None else series.points()


class LotSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    quantity = ExactDecimalField(read_only=True)
    cost_basis_usd = ExactDecimalField(read_only=True, help_text="Per token, in USD.")
    purchased_at = serializers.DateField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, lot) -> dict:
        """What the fields above give, written directly: a list may hold 14,000 lots, and
        DRF's field by field way took 60 % of the time of its items page. Times are UTC
        (settings.TIME_ZONE; nothing activates another), "Z" as DRF writes them."""
        created_at = lot.created_at.astimezone(UTC).isoformat()
        return {
            "id": lot.pk,
            "quantity": decimal_text(Decimal(lot.quantity)),
            "cost_basis_usd": decimal_text(Decimal(lot.cost_basis_usd)),
            "purchased_at": None if lot.purchased_at is None else lot.purchased_at.isoformat(),
            "created_at": created_at.removesuffix("+00:00") + "Z",
        }


class ValuationSerializer(serializers.Serializer):
    """Figures are null when the item has no lots (a watched token) or its token no price."""

    quantity = ExactDecimalField(read_only=True, allow_null=True, help_text="Sum of the lots.")
    cost_usd = money("Sum of quantity x cost basis.")
    price_usd = ratio("Latest price (float), null before the first one.")
    value_usd = money("quantity x price_usd (from a float market price).")
    pnl_usd = money("value_usd - cost_usd.")
    pnl_pct = ratio("pnl_usd / cost_usd, a fraction.")
    peak_value_usd = money(
        "Highest hourly value of the position since its first lot (lots count from their "
        "purchase date, hourly closes forward-filled over gaps)."
    )
    drawdown_from_peak = ratio("value_usd / peak_value_usd - 1 (<= 0).")
    performance_drawdown = ratio(
        "The price now against its highest hourly close since the first lot, minus 1 (<= 0): "
        "the position's performance, purchases left out."
    )
    weight = ratio("Share of the list's value, a fraction (in the list of items only).")


class ItemSerializer(serializers.Serializer):
    symbol = serializers.CharField(source="item.token.symbol", read_only=True)
    name = serializers.CharField(source="item.token.name", read_only=True)
    url = serializers.SerializerMethodField()
    position = serializers.IntegerField(source="item.position", read_only=True)
    note = serializers.CharField(source="item.note", read_only=True)
    added_at = serializers.DateTimeField(source="item.added_at", read_only=True)
    metrics = TokenMetricsSerializer(source="item.token.metrics", read_only=True, allow_null=True)
    lots = LotSerializer(many=True, read_only=True)
    valuation = serializers.SerializerMethodField()

    def get_url(self, valued) -> str:
        path = reverse(
            "watchlists-api:item-detail",
            kwargs={"id": valued.item.watchlist_id, "symbol": valued.item.token.symbol},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(ValuationSerializer)
    def get_valuation(self, valued):
        return ValuationSerializer(valued).data
