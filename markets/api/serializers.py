"""Output shapes of the read API. Metric names are exactly those of DESIGN.md."""

from __future__ import annotations

from urllib.parse import quote

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from core.api.serializers import ResourceUrlField
from markets.models import FearGreedDaily, ListMetrics, Token, TokenList, TokenMetrics
from markets.selectors import LIST_METRIC_FIELDS, TOKEN_METRIC_FIELDS


class PlannedReadMixin:
    """Read-out of flat fields through a plan made once per class.

    DRF builds every field again for each serializer instance (a ModelSerializer from the
    model's fields) and then walks them one by one: for the token list that was most of the
    server time. The plan is (name, source, to_representation) of fields whose output depends
    only on the value (numbers, text, times), so it is the same for every instance; the
    result is exactly DRF's (tests/markets/api/test_fast_serializers.py).
    """

    _plans: dict = {}

    @classmethod
    def read_plan(cls) -> list:
        plan = PlannedReadMixin._plans.get(cls)
        if plan is None:
            fields = cls().fields
            plan = [(name, field.source, field.to_representation) for name, field in fields.items()]
            PlannedReadMixin._plans[cls] = plan
        return plan

    @classmethod
    def read(cls, instance) -> dict | None:
        if instance is None:
            return None
        data = {}
        read = instance.get if isinstance(instance, dict) else instance.__getattribute__
        for name, source, represent in cls.read_plan():
            value = read(source)
            data[name] = None if value is None else represent(value)
        return data

    def to_representation(self, instance):
        return type(self).read(instance)


class TokenMetricsSerializer(PlannedReadMixin, serializers.ModelSerializer):
    """Metrics as of the token's latest snapshot; ratios are fractions (-0.2341 = -23.41 %)."""

    class Meta:
        model = TokenMetrics
        fields = TOKEN_METRIC_FIELDS
        read_only_fields = fields


class ListMetricsSerializer(PlannedReadMixin, serializers.ModelSerializer):
    """Sector metrics as of the latest snapshot among the members (`as_of`); ratios are
    fractions (-0.2341 = -23.41 %)."""

    class Meta:
        model = ListMetrics
        fields = LIST_METRIC_FIELDS
        read_only_fields = fields


class ListMetricsWithSeriesSerializer(ListMetricsSerializer):
    to_representation = serializers.ModelSerializer.to_representation  # a method field
    cap_series = serializers.SerializerMethodField(
        help_text="Hourly total market cap: [[epoch seconds, US dollars], …]."
    )

    class Meta(ListMetricsSerializer.Meta):
        fields = [*LIST_METRIC_FIELDS, "cap_series"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        }
    )
    def get_cap_series(self, metrics: ListMetrics) -> list:
        return metrics.cap_series or []


class TokenSerializer(serializers.ModelSerializer):
    url = ResourceUrlField(
        view_name="api:token-detail", lookup_field="symbol", lookup_url_kwarg="symbol"
    )
    # A missing metrics row (not computed yet) gives null.
    metrics = TokenMetricsSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Token
        fields = ["symbol", "name", "name_fr", "asset_class", "coingecko_id", "is_benchmark",
                  "url", "metrics"]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "asset_class": {
                "help_text": "crypto, or equity: a listed share with one daily close (21:00 UTC) "
                "on weekdays only, from Stooq."
            }
        }

    def to_representation(self, token):
        """Lists of tokens, read out directly (see PlannedReadMixin): the plain fields as they
        are, the url from one reversed path, the metrics through their plan."""
        if type(self) not in (TokenSerializer, MemberSerializer):
            return super().to_representation(token)
        data = {}
        for name in self.Meta.fields:
            if name == "url":
                data[name] = self._token_url(token.symbol)
            elif name == "metrics":
                data[name] = TokenMetricsSerializer.read(getattr(token, "metrics", None))
            else:
                data[name] = getattr(token, name)
        return data

    def _token_url(self, symbol: str) -> str:
        template = self.context.get("_token_url")
        if template is None:  # once per response: reversing per row costs more than the rest
            field = ResourceUrlField(
                view_name="api:token-detail", lookup_field="symbol", lookup_url_kwarg="symbol"
            )
            field.bind("url", self)
            template = field.to_representation(_Placeholder())
            self.context["_token_url"] = template
        return template.replace(_Placeholder.symbol, quote(symbol, safe=URL_SAFE))


class _Placeholder:
    """Stands for a token while the url template is reversed."""

    pk = 0
    symbol = "SYMBOL-PLACEHOLDER"


# What Django's reverse() leaves unquoted in a path segment.
URL_SAFE = "!$&'()*+,;=~:@"


class CuratedListRefSerializer(serializers.ModelSerializer):
    url = ResourceUrlField(
        view_name="api:list-detail", lookup_field="slug", lookup_url_kwarg="slug"
    )

    class Meta:
        model = TokenList
        fields = ["slug", "name", "name_fr", "url"]
        read_only_fields = fields


class TokenDetailSerializer(TokenSerializer):
    lists = CuratedListRefSerializer(many=True, read_only=True, help_text="Public lists only.")
    snapshots_url = ResourceUrlField(
        view_name="api:token-snapshots", lookup_field="symbol", lookup_url_kwarg="symbol"
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "lists", "snapshots_url"]
        read_only_fields = fields


class CuratedListSerializer(serializers.ModelSerializer):
    url = ResourceUrlField(
        view_name="api:list-detail", lookup_field="slug", lookup_url_kwarg="slug"
    )
    members_count = serializers.IntegerField(source="members_total", read_only=True)
    metrics = ListMetricsSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TokenList
        fields = ["slug", "name", "name_fr", "description", "description_fr", "is_featured",
                  "members_count", "url", "metrics"]  # fmt: skip
        read_only_fields = fields


class MemberSerializer(TokenSerializer):
    position = serializers.IntegerField(read_only=True)

    class Meta(TokenSerializer.Meta):
        fields = ["position", *TokenSerializer.Meta.fields]
        read_only_fields = fields


class CuratedListDetailSerializer(CuratedListSerializer):
    members = serializers.SerializerMethodField(help_text="In the list's order.")
    members_count = serializers.SerializerMethodField()
    metrics = ListMetricsWithSeriesSerializer(read_only=True, allow_null=True)

    class Meta(CuratedListSerializer.Meta):
        fields = [*CuratedListSerializer.Meta.fields, "members"]
        read_only_fields = fields

    def get_members_count(self, token_list: TokenList) -> int:
        return len(token_list.memberships.all())

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, token_list: TokenList) -> list:
        members = []
        for membership in token_list.memberships.all():
            membership.token.position = membership.position
            members.append(membership.token)
        return MemberSerializer(members, many=True, context=self.context).data


class SnapshotSerializer(PlannedReadMixin, serializers.Serializer):
    """One stored quote (interval=raw)."""

    ts = serializers.DateTimeField()
    price_usd = serializers.FloatField()
    market_cap_usd = serializers.FloatField(allow_null=True)
    volume_24h_usd = serializers.FloatField(allow_null=True)
    source = serializers.CharField()


class SnapshotBucketSerializer(PlannedReadMixin, serializers.Serializer):
    """One UTC hour or day (interval=1h / 1d) of the snapshots inside the requested range (or
    of the folded rows retention left in their place)."""

    ts = serializers.DateTimeField(source="bucket", help_text="Start of the bucket.")
    open = serializers.FloatField(help_text="Price of the first snapshot.")
    high = serializers.FloatField()
    low = serializers.FloatField()
    close = serializers.FloatField(help_text="Price of the last snapshot.")
    market_cap_usd = serializers.FloatField(
        source="last_market_cap_usd", allow_null=True, help_text="Of the last snapshot."
    )
    volume_24h_usd = serializers.FloatField(
        source="last_volume_24h_usd", allow_null=True, help_text="Of the last snapshot."
    )
    count = serializers.IntegerField(help_text="Snapshots in the bucket.")


class SnapshotPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, or null.")
    results = PolymorphicProxySerializer(
        component_name="SnapshotOrBucket",
        serializers=[SnapshotSerializer, SnapshotBucketSerializer],
        resource_type_field_name=None,
        many=True,
    )


# CSV columns: the JSON field names, in order, and the row keys they come from.
SNAPSHOT_CSV = [(name, name) for name in SnapshotSerializer().fields]
BUCKET_CSV = [(name, field.source) for name, field in SnapshotBucketSerializer().fields.items()]


class FearGreedSerializer(serializers.ModelSerializer):
    class Meta:
        model = FearGreedDaily
        fields = ["day", "value", "classification", "source"]
        read_only_fields = fields
        extra_kwargs = {
            "day": {"help_text": "The UTC day of the value."},
            "value": {"help_text": "0 (extreme fear) to 100 (extreme greed)."},
            "classification": {
                "help_text": "alternative.me's words: Extreme Fear, Fear, Neutral, Greed, "
                "Extreme Greed."
            },
            "source": {"help_text": "alternative.me, or demo for the demo reconstruction."},
        }
