"""Read API: tokens, their snapshots, curated lists; plus the token login. Reads via selectors."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.errors import RETRY_AFTER, ApiErrorsMixin, error_responses
from core.api.pagination import (
    ApiPageNumberPagination,
    BucketCursorPagination,
    SnapshotCursorPagination,
)
from core.api.params import SLUG_PARAM, SYMBOL_PARAM
from core.api.renderers import CSVRenderer, csv_response
from core.busy import client_ident, client_slot
from core.cache import cache_may_serve, request_cache_key, response_is_shareable
from markets import selectors
from markets.api.filters import (
    ASSET_CLASS_PARAM,
    AT_PARAM,
    LIST_PARAM,
    ORDERING_PARAM,
    SNAPSHOT_PARAMS,
    SnapshotParams,
    TokenListParams,
)
from markets.api.serializers import (
    BUCKET_CSV,
    SNAPSHOT_CSV,
    CuratedListDetailSerializer,
    CuratedListSerializer,
    FearGreedSerializer,
    SnapshotBucketSerializer,
    SnapshotPageSerializer,
    SnapshotSerializer,
    TokenDetailSerializer,
    TokenSerializer,
)
from markets.models import Token, TokenList
from markets.services.replay import (
    BadAt,
    Replay,
    lists_attach,
    metrics_at,
    replay_at_parse,
    tokens_attach,
    tokens_by,
)
from markets.symbols import symbol_url_is_valid
from markets.views_replay import REPLAY_BUSY_RETRY_SECONDS

READ_ERRORS = error_responses(401, 404, 429)


def _lookup_key(value: str) -> str:
    """A path value fit for a lookup: anything a database could choke on is simply unknown."""
    if "\x00" in value or len(value) > 100:
        raise NotFound()
    return value


def _token_or_404(symbol: str) -> Token:
    # Only what the page URLs route (ASCII, any case): str.upper() also turns a dotless i
    # (U+0131) into "I" and a long s (U+017F) into "S", which would answer for a token under
    # a URL it does not have.
    if not symbol_url_is_valid(symbol):
        raise NotFound(_("No token with symbol %(symbol)s.") % {"symbol": repr(symbol[:40])})
    try:
        return selectors.token_get(symbol=_lookup_key(symbol))
    except Token.DoesNotExist:
        raise NotFound(_("No token with symbol %(symbol)s.") % {"symbol": repr(symbol)}) from None


class ReadView(ApiErrorsMixin, generics.GenericAPIView):
    renderer_classes = [JSONRenderer]
    filter_backends: list = []

    def replay_at(self):
        """The replayed hour of ``?at=`` (None: now); a bad value is a 400 naming ``at``, an
        empty one too (the schema says date-time: only leaving it out means now)."""
        value = self.request.query_params.get("at")
        if value == "":
            raise ValidationError({"at": [_("May not be empty; leave it out for the present.")]})
        try:
            return replay_at_parse(value)
        except BadAt as exc:
            raise ValidationError({"at": [str(exc)]}) from None

    def metrics_at(self, **kwargs) -> Replay:
        """``metrics_at`` for this client, at most REPLAY_CONCURRENCY_PER_CLIENT at once
        (core.busy, as the pages): more is a 429 asking to retry."""
        limit = settings.REPLAY_CONCURRENCY_PER_CLIENT
        with client_slot(kind="replay", ident=client_ident(self.request), limit=limit) as free:
            if not free:
                raise Throttled(
                    wait=REPLAY_BUSY_RETRY_SECONDS,
                    detail=_("Too many replayed hours at once from your address."),
                )
            return metrics_at(**kwargs)


class AnonymousCachedMixin:
    """An anonymous GET is answered from the cache (core/cache.py) when it can be: the
    rendered JSON, keyed by the full URL, the negotiated media type and the market-data
    version. Authentication, permissions, throttling and content negotiation all run before
    (``initial``); only 200s that set no cookie are stored, errors keep their usual handling."""

    # Query parameters the view reads; a request with others is neither served nor stored.
    cached_params: tuple[str, ...] = ()
    _cache_key: str | None = None

    def get(self, request, *args, **kwargs):
        if cache_may_serve(request._request, self.cached_params):
            self._cache_key = request_cache_key(
                "api", request._request, request.accepted_media_type
            )
            cached = cache.get(self._cache_key)
            if cached is not None:
                content, content_type = cached
                return HttpResponse(content, content_type=content_type)
        return super().get(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            self._cache_key
            and isinstance(response, Response)
            and response_is_shareable(request._request, response)
        ):
            response.render()  # what Django would do next, done here to keep the bytes
            cached = (response.content, response["Content-Type"])
            cache.set(self._cache_key, cached, settings.PAGE_CACHE_SECONDS)
        return response


PAGE_PARAMS = ("page", "page_size", "format")


@extend_schema(
    tags=["tokens"],
    summary="Active tokens with their metrics",
    parameters=[LIST_PARAM, ASSET_CLASS_PARAM, ORDERING_PARAM, AT_PARAM, RETRY_AFTER],
    responses={200: TokenSerializer(many=True), **error_responses(400, 401, 404, 429)},
)
class TokenListView(AnonymousCachedMixin, ReadView, generics.ListAPIView):
    """Active tokens, each with `metrics` (null until first computed), in pages of 50 by
    default. Filter by list with `list` and by `asset_class`, sort with `ordering`."""

    cached_params = ("list", "asset_class", "ordering", "at", *PAGE_PARAMS)
    serializer_class = TokenSerializer
    pagination_class = ApiPageNumberPagination

    def get_queryset(self):
        params = TokenListParams(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        slug, ordering = params.validated_data.get("list"), params.validated_data["ordering"]
        at = self.replay_at()
        try:
            tokens = selectors.token_listing(
                list_slug=slug,
                ordering=ordering if at is None else "symbol",
                asset_class=params.validated_data.get("asset_class"),
            )
        except TokenList.DoesNotExist:
            raise ValidationError(
                {"list": [_("No public list %(slug)s.") % {"slug": repr(slug)}]}
            ) from None
        if at is None:
            return tokens
        # Replay: every token's metrics at that hour, then the ordering applied to them.
        tokens = list(tokens)
        tokens_attach(tokens, self.metrics_at(at=at, token_ids=[t.pk for t in tokens]))
        return tokens_by(
            tokens, name=ordering.removeprefix("-"), descending=ordering.startswith("-")
        )


@extend_schema(
    tags=["tokens"],
    summary="One token with its metrics and lists",
    parameters=[SYMBOL_PARAM, AT_PARAM, RETRY_AFTER],
    responses={200: TokenDetailSerializer, **error_responses(400, 401, 404, 429)},
)
class TokenDetailView(AnonymousCachedMixin, ReadView, generics.RetrieveAPIView):
    """An active token with its `metrics` and the public lists it belongs to; a token staff
    deactivated is a 404, like its page."""

    cached_params = ("format", "at")
    serializer_class = TokenDetailSerializer

    def get_object(self):
        at = self.replay_at()
        token = _token_or_404(self.kwargs["symbol"])
        self.check_object_permissions(self.request, token)
        if at is not None:
            tokens_attach([token], self.metrics_at(at=at, token_ids=[token.pk]))
        return token


@extend_schema(
    tags=["tokens"],
    summary="Price history of a token: raw snapshots or OHLC buckets",
    description="Rows with since <= ts <= until, oldest first, in cursor pages (follow `next`). "
    "With interval 1h or 1d each row is a UTC hour or day: open/close are the prices of its "
    "first/last snapshot, market_cap_usd and volume_24h_usd those of its last one; only "
    "snapshots inside the range count. Snapshots past retention are gone from interval raw "
    "but not from 1h / 1d: their folded hourly or daily rows take their place, each counting "
    "whole when it overlaps the range (a folded day is one 1h bucket at its start). "
    "`format=csv` (or `Accept: text/csv`) streams all rows "
    "of the range as CSV with the same columns, header first.",
    parameters=[SYMBOL_PARAM, *SNAPSHOT_PARAMS, RETRY_AFTER],
    responses={
        (200, "application/json"): SnapshotPageSerializer,
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, header first."),
        **error_responses(400, 401, 404, 429, media_type="application/json"),
    },
)
class TokenSnapshotsView(ReadView):
    """Stored quotes of a token over a time range, raw or as OHLC buckets; JSON or CSV."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    serializer_class = SnapshotSerializer

    def finalize_response(self, request, response, *args, **kwargs):
        # Only snapshot rows stream as CSV: errors (and OPTIONS metadata) stay JSON.
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and isinstance(renderer, CSVRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def get(self, request, symbol: str):
        token = _token_or_404(symbol)
        params = SnapshotParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        since, until = params.validated_data["since"], params.validated_data["until"]
        interval = params.validated_data["interval"]
        if interval == "raw":
            rows = selectors.snapshot_range(token=token, since=since, until=until)
            serializer_class, columns = SnapshotSerializer, SNAPSHOT_CSV
            paginator = SnapshotCursorPagination()
        else:
            rows = selectors.snapshot_buckets(
                token=token, since=since, until=until, interval=interval
            )
            serializer_class, columns = SnapshotBucketSerializer, BUCKET_CSV
            paginator = BucketCursorPagination()
        if request.accepted_renderer.format == CSVRenderer.format:
            filename = f"{token.symbol}-snapshots-{interval}.csv"
            return csv_response(columns, rows.iterator(chunk_size=2000), filename=filename)
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


@extend_schema(
    tags=["lists"],
    summary="Public curated lists with their metrics",
    parameters=[AT_PARAM, RETRY_AFTER],
    responses={200: CuratedListSerializer(many=True), **error_responses(400, 401, 404, 429)},
)
class CuratedListListView(AnonymousCachedMixin, ReadView, generics.ListAPIView):
    """Public curated lists (sectors) with their member count and `metrics`."""

    cached_params = ("at", *PAGE_PARAMS)
    serializer_class = CuratedListSerializer
    pagination_class = ApiPageNumberPagination

    def get_queryset(self):
        at = self.replay_at()
        lists = selectors.token_list_public_listing()
        if at is None:
            return lists
        lists = list(lists)
        lists_attach(lists, self.metrics_at(at=at, list_ids=[x.pk for x in lists]))
        return lists


@extend_schema(
    tags=["lists"],
    summary="One public list: its members in order, each with metrics, and the list metrics",
    parameters=[SLUG_PARAM, AT_PARAM, RETRY_AFTER],
    responses={200: CuratedListDetailSerializer, **error_responses(400, 401, 404, 429)},
)
class CuratedListDetailView(AnonymousCachedMixin, ReadView, generics.RetrieveAPIView):
    """A public list: its members in position order, each with `metrics`, and the list's own
    `metrics` including `cap_series`, the hourly total market cap."""

    cached_params = ("format", "at")
    serializer_class = CuratedListDetailSerializer

    def get_object(self):
        at = self.replay_at()
        slug = self.kwargs["slug"]
        try:
            token_list = selectors.token_list_public_get(slug=_lookup_key(slug))
        except TokenList.DoesNotExist:
            raise NotFound(_("No public list %(slug)s.") % {"slug": repr(slug)}) from None
        self.check_object_permissions(self.request, token_list)
        if at is not None:
            replay = self.metrics_at(at=at, list_ids=[token_list.pk])
            lists_attach([token_list], replay)
            tokens_attach([m.token for m in token_list.memberships.all()], replay)
        return token_list


@extend_schema(
    tags=["context"],
    summary="The daily crypto Fear & Greed index, newest first",
    parameters=[RETRY_AFTER],
    responses={200: FearGreedSerializer(many=True), **error_responses(400, 401, 404, 429)},
)
class FearGreedListView(AnonymousCachedMixin, ReadView, generics.ListAPIView):
    """One value a day from 0 (extreme fear) to 100 (extreme greed), as alternative.me
    publishes it (or the demo's reconstruction), newest first, in pages of 50 by default."""

    cached_params = PAGE_PARAMS
    serializer_class = FearGreedSerializer
    pagination_class = ApiPageNumberPagination

    def get_queryset(self):
        return selectors.fear_greed_listing()
