"""Reads used by views, the API and commands; each one a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from django.db.models import (
    Count,
    DateTimeField,
    F,
    Max,
    Min,
    Prefetch,
    QuerySet,
    RowRange,
    Window,
)
from django.db.models.functions import FirstValue, LastValue, RowNumber, Trunc

from markets.models import (
    ListMetrics,
    Snapshot,
    Token,
    TokenList,
    TokenListMembership,
    TokenMetrics,
)

# The public names of token metrics, in display order (DESIGN.md "Token metrics").
TOKEN_METRIC_FIELDS = [
    "as_of", "price_usd", "market_cap_usd", "volume_24h_usd",
    "change_1h", "change_24h", "change_7d", "change_30d",
    "ath_usd", "ath_at", "drawdown_from_ath",
    "high_7d_usd", "low_7d_usd", "high_30d_usd", "low_30d_usd",
    "drawdown_7d", "drawdown_30d", "max_drawdown_30d", "max_drawdown_90d",
    "turnover", "beta_btc_30d", "corr_btc_30d",
]  # fmt: skip
LIST_METRIC_FIELDS = [
    "as_of", "total_market_cap_usd", "cap_change_24h", "cap_change_7d",
    "equal_weight_change_24h", "equal_weight_change_7d",
    "members_count", "members_down_20_from_ath",
]  # fmt: skip


def _jsonable(value):
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def token_metrics_payload(metrics: TokenMetrics | None) -> dict | None:
    if metrics is None:
        return None
    return {name: _jsonable(getattr(metrics, name)) for name in TOKEN_METRIC_FIELDS}


def list_metrics_payload(metrics: ListMetrics | None) -> dict | None:
    if metrics is None:
        return None
    return {name: _jsonable(getattr(metrics, name)) for name in LIST_METRIC_FIELDS}


def token_list_with_metrics(*, symbols: Iterable[str] | None = None) -> QuerySet[Token]:
    """Tokens (the given symbols, else every active one) with their metrics joined in."""
    tokens = Token.objects.select_related("metrics").order_by("symbol")
    if symbols is None:
        return tokens.filter(is_active=True)
    return tokens.filter(symbol__in=[s.upper() for s in symbols])


def token_list_get(*, slug: str) -> TokenList:
    return TokenList.objects.select_related("metrics").get(slug=slug)


def metrics_report(*, symbols: Iterable[str] | None = None, list_slugs: Iterable[str] = ()) -> dict:
    """{"tokens": {SYMBOL: metrics}, "lists": {slug: metrics}}, as ``manage.py metrics`` prints.

    Raises Token.DoesNotExist / TokenList.DoesNotExist naming what is unknown.
    """
    wanted = None if symbols is None else [s.upper() for s in symbols]
    tokens = {}
    for token in token_list_with_metrics(symbols=wanted):
        tokens[token.symbol] = token_metrics_payload(getattr(token, "metrics", None))
    if wanted is not None and (unknown := sorted(set(wanted) - tokens.keys())):
        raise Token.DoesNotExist(f"unknown symbol(s): {', '.join(unknown)}")
    lists = {}
    for slug in list_slugs:
        try:
            token_list = token_list_get(slug=slug)
        except TokenList.DoesNotExist:
            raise TokenList.DoesNotExist(f"unknown list: {slug}") from None
        lists[slug] = list_metrics_payload(getattr(token_list, "metrics", None))
    return {"tokens": tokens, "lists": lists}


# --- API reads ------------------------------------------------------------------------------

# What ``GET /api/v1/tokens/?ordering=`` accepts (with an optional leading "-").
TOKEN_ORDERING_FIELDS = ["symbol", "name", *TOKEN_METRIC_FIELDS]
SnapshotInterval = Literal["1h", "1d"]
_TRUNC_KIND: dict[str, str] = {"1h": "hour", "1d": "day"}


def token_listing(*, list_slug: str | None = None, ordering: str = "symbol") -> QuerySet[Token]:
    """Active tokens with their metrics joined in (one query), optionally of one public list.

    ``ordering`` is a name of TOKEN_ORDERING_FIELDS, "-" first for descending; tokens without
    a value come last either way. Raises TokenList.DoesNotExist for an unknown or private
    list and ValueError for an unknown ordering.
    """
    descending = ordering.startswith("-")
    name = ordering.removeprefix("-")
    if name not in TOKEN_ORDERING_FIELDS:
        raise ValueError(f"unknown ordering: {ordering}")
    column = F(name if name in ("symbol", "name") else f"metrics__{name}")
    order = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
    tokens = Token.objects.filter(is_active=True).select_related("metrics")
    if list_slug is not None:
        token_list = TokenList.objects.only("pk").get(slug=list_slug, is_public=True)
        tokens = tokens.filter(memberships__token_list=token_list)
    return tokens.order_by(order, "symbol")


def token_get(*, symbol: str) -> Token:
    """One token by symbol (any case) with its metrics and public lists; 2 queries.

    Raises Token.DoesNotExist.
    """
    public_lists = Prefetch("lists", queryset=TokenList.objects.filter(is_public=True))
    tokens = Token.objects.select_related("metrics").prefetch_related(public_lists)
    return tokens.get(symbol=symbol.upper())


def token_list_public_listing() -> QuerySet[TokenList]:
    """Public lists with their metrics and a ``members_total`` count, in one query."""
    return (
        TokenList.objects.filter(is_public=True)
        .select_related("metrics")
        .annotate(members_total=Count("memberships"))
        .order_by("name", "pk")
    )


def token_list_public_get(*, slug: str) -> TokenList:
    """One public list with metrics and its members (in position order) with theirs; 2 queries.

    Raises TokenList.DoesNotExist for an unknown or private list.
    """
    memberships = Prefetch(
        "memberships",
        queryset=TokenListMembership.objects.filter(token__is_active=True)
        .select_related("token__metrics")
        .order_by("position", "id"),
    )
    return (
        TokenList.objects.select_related("metrics")
        .prefetch_related(memberships)
        .get(slug=slug, is_public=True)
    )


def snapshot_range(*, token: Token, since: datetime, until: datetime) -> QuerySet:
    """The token's snapshots with since <= ts <= until as dicts, ordered by ts (then source)."""
    return (
        Snapshot.objects.filter(token=token, ts__gte=since, ts__lte=until)
        .order_by("ts", "source")
        .values("ts", "price_usd", "market_cap_usd", "volume_24h_usd", "source")
    )


def snapshot_buckets(
    *, token: Token, since: datetime, until: datetime, interval: SnapshotInterval
) -> QuerySet:
    """OHLC buckets (UTC hours or days) of the token's snapshots with since <= ts <= until.

    One query, computed by the database with window functions (PostgreSQL and SQLite): dicts
    with ``bucket`` (its start), ``open``/``high``/``low``/``close`` of the price,
    ``last_market_cap_usd``/``last_volume_24h_usd`` (those of the bucket's last snapshot) and
    ``count``, ordered by bucket. A bucket holds only the snapshots inside the range.
    """
    bucket = Trunc("ts", _TRUNC_KIND[interval], output_field=DateTimeField(), tzinfo=UTC)

    def window(expression, *, whole_bucket: bool = True) -> Window:
        # The same partition and order everywhere, so the database sorts the rows once.
        return Window(
            expression,
            partition_by=[F("bucket")],
            order_by=[F("ts").asc(), F("source").asc()],
            frame=RowRange(start=None, end=None) if whole_bucket else None,
        )

    rows = (
        Snapshot.objects.filter(token=token, ts__gte=since, ts__lte=until)
        .annotate(bucket=bucket)
        .annotate(
            open=window(FirstValue("price_usd")),
            close=window(LastValue("price_usd")),
            high=window(Max("price_usd")),
            low=window(Min("price_usd")),
            last_market_cap_usd=window(LastValue("market_cap_usd")),
            last_volume_24h_usd=window(LastValue("volume_24h_usd")),
            count=window(Count("pk")),
            row_number=window(RowNumber(), whole_bucket=False),
        )
        .filter(row_number=1)
    )
    return rows.order_by("bucket").values(
        "bucket", "open", "high", "low", "close",
        "last_market_cap_usd", "last_volume_24h_usd", "count",
    )  # fmt: skip
