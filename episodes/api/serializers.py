"""Read-only shapes of episodes, their figures, events and market facts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from episodes import selectors
from episodes.models import Episode, Event, MarketFact


class MoveSerializer(serializers.Serializer):
    start_value = serializers.FloatField(help_text="First value in the window (USD)")
    end_value = serializers.FloatField(help_text="Last value in the window (USD)")
    change = serializers.FloatField(help_text="end / start - 1")
    peak_value = serializers.FloatField()
    peak_at = serializers.DateTimeField()
    trough_value = serializers.FloatField()
    trough_at = serializers.DateTimeField()
    peak_to_trough = serializers.FloatField(help_text="Deepest fall from a peak, trough / peak - 1")


class TokenMoveSerializer(serializers.Serializer):
    symbol = serializers.CharField(source="token.symbol")
    asset_class = serializers.CharField(source="token.asset_class")
    move = MoveSerializer()
    multiple_of_btc = serializers.FloatField(
        allow_null=True, help_text="change / BTC's change, when both fell"
    )


class ListMoveSerializer(serializers.Serializer):
    slug = serializers.CharField(source="token_list.slug")
    move = MoveSerializer(help_text="Of the members' summed market cap, hourly")


class WorstDaySerializer(serializers.Serializer):
    change = serializers.FloatField(help_text="Close / close 24 hours before - 1")
    at = serializers.DateTimeField(help_text="End of those 24 hours")


class FearGreedLowSerializer(serializers.Serializer):
    day = serializers.DateField()
    value = serializers.IntegerField()
    classification = serializers.CharField()


class MarketFactSerializer(serializers.ModelSerializer):
    class Meta:
        model = MarketFact
        fields = ["at", "value", "unit", "wording", "wording_fr", "source", "source_url"]
        # A blank-able field is still in every answer: required in the schema (read_only
        # would say so too, but would drop the empty alternative of a URL field's schema).
        extra_kwargs = {name: {"required": True} for name in ("unit", "wording_fr", "source",
                                                              "source_url")}  # fmt: skip


class FiguresSerializer(serializers.Serializer):
    tokens = TokenMoveSerializer(many=True, help_text="Crypto members, steepest fall first")
    equities = TokenMoveSerializer(many=True, help_text="Equity members")
    btc = TokenMoveSerializer(allow_null=True)
    btc_worst_day = WorstDaySerializer(allow_null=True)
    sectors = ListMoveSerializer(many=True)
    tokens_vs_btc = serializers.FloatField(
        allow_null=True, help_text="The tokens' mean change / BTC's change, when both fell"
    )
    fear_greed_low = FearGreedLowSerializer(allow_null=True)
    facts = MarketFactSerializer(many=True)


class EventSerializer(serializers.ModelSerializer):
    tokens = serializers.SlugRelatedField(slug_field="symbol", many=True, read_only=True)
    lists = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Event
        fields = ["id", "at", "title", "title_fr", "description", "description_fr", "url",
                  "tokens", "lists"]  # fmt: skip
        extra_kwargs = {name: {"required": True} for name in ("title_fr", "description",
                                                              "description_fr", "url")}  # fmt: skip


class EpisodeSerializer(serializers.ModelSerializer):
    lists = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Episode
        fields = ["slug", "title", "title_fr", "start", "end", "summary", "summary_fr", "lists"]
        extra_kwargs = {name: {"required": True} for name in ("title_fr", "summary", "summary_fr")}


class EpisodeDetailSerializer(EpisodeSerializer):
    figures = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(EpisodeSerializer.Meta):
        fields = [*EpisodeSerializer.Meta.fields, "figures", "events"]

    @extend_schema_field(FiguresSerializer)
    def get_figures(self, episode):
        return FiguresSerializer(selectors.episode_figures_cached(episode=episode)).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, episode):
        return EventSerializer(selectors.episode_timeline(episode=episode), many=True).data
