"""Read API of episodes and events (anyone may read; nothing is written here)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny

from core.api.errors import RETRY_AFTER, error_responses, validated
from core.api.params import SLUG_SCHEMA, QueryParams
from core.api.views import JsonApiView
from episodes import selectors
from episodes.api.serializers import EpisodeDetailSerializer, EpisodeSerializer, EventSerializer
from episodes.models import Episode
from markets.models import Token
from markets.selectors import token_list_public
from markets.symbols import symbol_lookup_key

EPISODE_SLUG = OpenApiParameter(
    "slug", SLUG_SCHEMA, OpenApiParameter.PATH, description="Slug of a published episode.",
    examples=[OpenApiExample("February 2026", value="feb-2026")],
)  # fmt: skip
EVENT_PARAMS = [
    OpenApiParameter(
        "token", OpenApiTypes.STR, description="Only events about this active token (symbol, "
        "any case), directly or through a public list it belongs to.",
        examples=[OpenApiExample("Bittensor", value="TAO")],
    ),
    OpenApiParameter(
        "list", {**SLUG_SCHEMA, "maxLength": 50},
        description="Only events about this public list (slug), directly or through one "
        "of its active members.", examples=[OpenApiExample("AI tokens", value="ai")],
    ),
]  # fmt: skip


class EventParams(QueryParams):
    token = serializers.CharField(required=False, max_length=20)
    list = serializers.SlugField(required=False, max_length=50)

    def validate_token(self, value):  # an inactive token is shown nowhere: as unknown
        active = Token.objects.filter(symbol=symbol_lookup_key(value), is_active=True)
        if "\x00" in value or not active.exists():
            raise serializers.ValidationError(_("No token %(symbol)s.") % {"symbol": repr(value)})
        return symbol_lookup_key(value)

    def validate_list(self, value):  # a private list answers like an unknown one
        if not token_list_public().filter(slug=value).exists():
            raise serializers.ValidationError(_("No public list %(slug)s.") % {"slug": repr(value)})
        return value


class ReadApiView(JsonApiView):
    permission_classes = [AllowAny]


@extend_schema(
    tags=["episodes"],
    summary="Published episodes, newest first",
    parameters=[RETRY_AFTER],
    responses={200: EpisodeSerializer(many=True), **error_responses(400, 401, 404, 429)},
)
class EpisodeListView(ReadApiView, generics.ListAPIView):
    """Episodes of the market's story: title and summary in English and French, the window
    (`start`, `end`) and the lists they cover."""

    serializer_class = EpisodeSerializer

    def get_queryset(self):
        return selectors.episode_listing()


@extend_schema(
    tags=["episodes"],
    summary="One episode with its key figures, events and market facts",
    parameters=[EPISODE_SLUG, RETRY_AFTER],
    responses={200: EpisodeDetailSerializer, **error_responses(400, 401, 404, 429)},
)
class EpisodeDetailView(ReadApiView, generics.RetrieveAPIView):
    """`figures` are computed from the stored prices over the window: each token's change and
    deepest peak-to-trough fall, BTC's worst 24 hours, the lists' summed-cap moves, the tokens'
    mean fall as a multiple of BTC's, the Fear & Greed low; `facts` are the staff's figures
    with their sources. Ratios are fractions."""

    serializer_class = EpisodeDetailSerializer

    def get_object(self):
        slug = self.kwargs["slug"]
        try:
            if "\x00" in slug or len(slug) > 50:
                raise Episode.DoesNotExist
            return selectors.episode_get(slug=slug)
        except Episode.DoesNotExist:
            raise NotFound(
                _("No published episode %(slug)s.") % {"slug": repr(slug[:50])}
            ) from None


@extend_schema(
    tags=["episodes"],
    summary="Dated events shown on the charts, oldest first",
    parameters=[*EVENT_PARAMS, RETRY_AFTER],
    responses={200: EventSerializer(many=True), **error_responses(400, 401, 404, 429)},
)
class EventListView(ReadApiView, generics.ListAPIView):
    """Events (title and description in English and French, optional link, the active tokens
    and public lists concerned), optionally only those about a token and/or a list. An event
    concerning only private lists or inactive tokens is left out."""

    serializer_class = EventSerializer

    def get_queryset(self):
        params = validated(EventParams(data=self.request.query_params))
        return selectors.event_listing(symbol=params.get("token"), list_slug=params.get("list"))
