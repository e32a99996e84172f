"""Watchlists API: owner only. Anonymous requests get 401; another user's list (staff too) is
a 404, exactly like a missing one. Reads go through the selectors, writes through the services.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api import views as core_views
from core.api.errors import (
    READ_ERRORS,
    RETRY_AFTER,
    WRITE_ERRORS,
    service_errors,
    validated,
)
from core.api.params import SYMBOL_PARAM, QueryParams
from core.api.parsers import ExactNumbersJSONParser
from markets.symbols import symbol_url_is_valid
from watchlists import selectors, services
from watchlists.api.serializers import (
    ItemCreateSerializer,
    ItemSerializer,
    ItemUpdateSerializer,
    WatchlistCreateSerializer,
    WatchlistDetailSerializer,
    WatchlistSerializer,
    WatchlistUpdateSerializer,
)
from watchlists.forms import service_message
from watchlists.models import Watchlist, WatchlistItem

ID_PARAM = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1},
    OpenApiParameter.PATH,
    description="Id of one of your watchlists (anyone else's is a 404).",
)
SERIES_PARAM = OpenApiParameter(
    "series",
    OpenApiTypes.BOOL,
    default=False,
    description="Include value_series, the hourly total value and its drawdown from peak.",
)
IDEMPOTENCY_KEY_PARAM = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Your key for this request (1 to 255 visible ASCII characters, e.g. a UUID): "
    "the same add_lots sent again with it (a retry after a lost answer) adds nothing and "
    "answers the item as it is; with other lots it is a 400. Without it every sending adds.",
)
DELETED = {204: None}


ORDERING_PARAM = OpenApiParameter(
    "ordering",
    OpenApiTypes.STR,
    enum=list(selectors.WATCHLIST_ORDERINGS),
    default="position",
    description="position: your order (as the pages show it); name (whatever its case) or "
    "created, '-' first for descending. Anything else is a 400.",
)


class ListParams(QueryParams):
    ordering = serializers.ChoiceField(
        choices=list(selectors.WATCHLIST_ORDERINGS), required=False, default="position"
    )


class SeriesParams(QueryParams):
    series = serializers.BooleanField(required=False, default=False)


class OwnerApiView(core_views.OwnerApiView):  # JSON only: lots are nested, forms cannot carry them
    parser_classes = [ExactNumbersJSONParser]  # a lot's amounts keep every digit sent

    def get_watchlist(self) -> Watchlist:
        return selectors.watchlist_get_for_user(user=self.request.user, pk=self.kwargs["id"])

    def get_item(self, watchlist: Watchlist) -> WatchlistItem:
        symbol = self.kwargs["symbol"]
        if not symbol_url_is_valid(symbol):  # what /api/v1/tokens/<symbol>/ takes
            raise Http404(_("No such token in this watchlist."))
        return selectors.watchlist_item_get(watchlist=watchlist, symbol=symbol)

    def detail_response(self, watchlist: Watchlist, *, series: bool = False, status_code=200):
        valued = selectors.watchlist_items_with_valuation(watchlist=watchlist)
        watchlist.totals = valued.totals
        watchlist.series = valued.series if series else None
        data = WatchlistDetailSerializer(watchlist, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def item_response(self, item: WatchlistItem, *, status_code=200):
        item = selectors.watchlist_item_get(watchlist=item.watchlist, symbol=item.token.symbol)
        valued = selectors.item_with_valuation(item=item)
        data = ItemSerializer(valued, context=self.get_serializer_context()).data
        return Response(data, status=status_code)


@extend_schema(tags=["watchlists"], parameters=[RETRY_AFTER])
class WatchlistListView(OwnerApiView):
    serializer_class = WatchlistSerializer

    @extend_schema(
        summary="Your watchlists, in your order",
        parameters=[ORDERING_PARAM],
        responses={200: WatchlistSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request):
        ordering = validated(ListParams(data=request.query_params))["ordering"]
        watchlists = selectors.watchlist_list_for_user(user=request.user, ordering=ordering)
        page = self.paginate_queryset(watchlists)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Create a watchlist (private, empty, placed last)",
        description="At most 50 per user; names are unique per user whatever their case.",
        request=WatchlistCreateSerializer,
        responses={201: WatchlistDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request):
        data = validated(WatchlistCreateSerializer(data=request.data))
        with service_errors(translate=service_message):
            watchlist = services.watchlist_create(owner=request.user, name=data["name"])
        return self.detail_response(watchlist, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=["watchlists"], parameters=[ID_PARAM, RETRY_AFTER])
class WatchlistDetailView(OwnerApiView):
    serializer_class = WatchlistDetailSerializer

    @extend_schema(
        summary="One watchlist with its totals",
        description="Totals: value, cost, P&L (USD and fraction) and fall from peak value. "
        "Money is a decimal string rounded to the cent; ratios are fractions.",
        parameters=[SERIES_PARAM],
        responses={200: WatchlistDetailSerializer, **READ_ERRORS},
    )
    def get(self, request, id: str):
        params = validated(SeriesParams(data=request.query_params))
        return self.detail_response(self.get_watchlist(), series=params["series"])

    @extend_schema(
        summary="Rename, share or unshare, show amounts, or move a watchlist",
        description="Only the fields sent change; all of them or none. Making a list private "
        "clears its share_token (old links stop working); making it public again issues a new "
        "one.",
        request=WatchlistUpdateSerializer,
        responses={200: WatchlistDetailSerializer, **WRITE_ERRORS},
    )
    def patch(self, request, id: str):
        watchlist = self.get_watchlist()
        data = validated(WatchlistUpdateSerializer(data=request.data))
        with service_errors(translate=service_message):
            services.watchlist_update(watchlist=watchlist, **data)
        return self.detail_response(watchlist)

    @extend_schema(
        summary="Delete a watchlist with its items and lots",
        request=None,
        responses={**DELETED, **WRITE_ERRORS},
    )
    def delete(self, request, id: str):
        with service_errors(translate=service_message):
            services.watchlist_delete(watchlist=self.get_watchlist())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["watchlists"], parameters=[ID_PARAM, RETRY_AFTER])
class ItemListView(OwnerApiView):
    serializer_class = ItemSerializer

    @extend_schema(
        summary="The tokens of a watchlist with their lots and valuation",
        description="In the list's order, 50 a page by default. Each item has the token's "
        "metrics, its lots and the position's valuation (null figures without lots).",
        responses={200: ItemSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, id: str):
        valued = selectors.watchlist_items_with_valuation(watchlist=self.get_watchlist())
        page = self.paginate_queryset(valued.items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Add a token, with an optional note and lots",
        description="At most 500 tokens a list; a token already in the list is refused.",
        request=ItemCreateSerializer,
        responses={201: ItemSerializer, **WRITE_ERRORS},
    )
    def post(self, request, id: str):
        watchlist = self.get_watchlist()
        data = validated(ItemCreateSerializer(data=request.data))
        with service_errors(translate=service_message):
            item = services.watchlist_add_token(
                watchlist=watchlist, symbol=data["symbol"], note=data["note"],
                lots=data.get("lots", ()),
            )  # fmt: skip
        return self.item_response(item, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=["watchlists"], parameters=[ID_PARAM, SYMBOL_PARAM, RETRY_AFTER])
class ItemDetailView(OwnerApiView):
    serializer_class = ItemSerializer

    @extend_schema(
        summary="One token of a watchlist with its lots and valuation",
        responses={200: ItemSerializer, **READ_ERRORS},
    )
    def get(self, request, id: str, symbol: str):
        return self.item_response(self.get_item(self.get_watchlist()))

    @extend_schema(
        summary="Change the note or place of a token, replace or add lots",
        description="Only the fields sent change; all of them or none. `lots` replaces every "
        "lot, `add_lots` adds to them.",
        parameters=[IDEMPOTENCY_KEY_PARAM],
        request=ItemUpdateSerializer,
        responses={200: ItemSerializer, **WRITE_ERRORS},
    )
    def patch(self, request, id: str, symbol: str):
        item = self.get_item(self.get_watchlist())
        data = validated(ItemUpdateSerializer(data=request.data))
        key = request.headers.get(services.IDEMPOTENCY_KEY_FIELD)
        with service_errors(translate=service_message):
            services.item_update(item=item, idempotency_key=key, **data)
        return self.item_response(item)

    @extend_schema(
        summary="Remove a token (and its lots) from a watchlist",
        request=None,
        responses={**DELETED, **WRITE_ERRORS},
    )
    def delete(self, request, id: str, symbol: str):
        item = self.get_item(self.get_watchlist())
        with service_errors(translate=service_message):
            try:
                services.watchlist_remove_token(watchlist=item.watchlist, symbol=item.token.symbol)
            except DjangoValidationError:
                self.get_item(item.watchlist)  # removed meanwhile by another request: its 404
                raise
        return Response(status=status.HTTP_204_NO_CONTENT)
