"""Reads used by views, the API and commands; each one a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, Trunc, TruncDate
from django.utils.dateparse import parse_datetime

from markets.clock import market_now as market_now  # re-exported: "now" for market data
from markets.clock import market_now_expression
from markets.models import (
    FearGreedDaily,
    ListMetrics,
    Snapshot,
    SnapshotCompact,
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


def metrics_report_subjects(
    *, symbols: Iterable[str] | None = None, list_slugs: Iterable[str] = ()
) -> tuple[list[Token], dict[str, TokenList]]:
    """The tokens (all when ``symbols`` is None) and lists a metrics report covers, with their
    stored metrics. Raises Token.DoesNotExist / TokenList.DoesNotExist naming what is unknown."""
    wanted = None if symbols is None else [s.upper() for s in symbols]
    tokens = list(token_list_with_metrics(symbols=wanted))
    if wanted is not None and (unknown := sorted(set(wanted) - {t.symbol for t in tokens})):
        raise Token.DoesNotExist(f"unknown symbol(s): {', '.join(unknown)}")
    token_lists = {}
    for slug in list_slugs:
        try:
            token_lists[slug] = token_list_get(slug=slug)
        except TokenList.DoesNotExist:
            raise TokenList.DoesNotExist(f"unknown list: {slug}") from None
    return tokens, token_lists


def metrics_report(*, symbols: Iterable[str] | None = None, list_slugs: Iterable[str] = ()) -> dict:
    """{"tokens": {SYMBOL: metrics}, "lists": {slug: metrics}}, as ``manage.py metrics`` prints.

    Raises Token.DoesNotExist / TokenList.DoesNotExist naming what is unknown.
    """
    tokens, token_lists = metrics_report_subjects(symbols=symbols, list_slugs=list_slugs)
    return {
        "tokens": {t.symbol: token_metrics_payload(getattr(t, "metrics", None)) for t in tokens},
        "lists": {
            slug: list_metrics_payload(getattr(x, "metrics", None))
            for slug, x in token_lists.items()
        },
    }


# --- API reads ------------------------------------------------------------------------------

# What ``GET /api/v1/tokens/?ordering=`` accepts (with an optional leading "-").
TOKEN_ORDERING_FIELDS = ["symbol", "name", *TOKEN_METRIC_FIELDS]
SnapshotInterval = Literal["1h", "1d"]
_TRUNC_KIND: dict[str, str] = {"1h": "hour", "1d": "day"}


def token_listing(
    *, list_slug: str | None = None, ordering: str = "symbol", asset_class: str | None = None
) -> QuerySet[Token]:
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
    if asset_class is not None:
        tokens = tokens.filter(asset_class=asset_class)
    if list_slug is not None:
        token_list = TokenList.objects.only("pk").get(slug=list_slug, is_public=True)
        tokens = tokens.filter(memberships__token_list=token_list)
    return tokens.order_by(order, "symbol")


def token_get(*, symbol: str) -> Token:
    """One active token by symbol (any case) with its metrics and public lists; 2 queries.

    Raises Token.DoesNotExist, for an inactive token too (its page is a 404 as well).
    """
    public_lists = Prefetch("lists", queryset=TokenList.objects.filter(is_public=True))
    tokens = Token.objects.select_related("metrics").prefetch_related(public_lists)
    return tokens.get(symbol=symbol.upper(), is_active=True)


def token_list_public() -> QuerySet[TokenList]:
    """The lists anyone may see: the public-list rule of every public read (other apps too)."""
    return TokenList.objects.filter(is_public=True)


def token_list_public_listing() -> QuerySet[TokenList]:
    """Public lists with their metrics and a ``members_total`` count of their active members
    (as ``token_list_public_get`` lists them), in one query."""
    active = Q(memberships__token__is_active=True)
    return (
        token_list_public()
        .select_related("metrics")
        .annotate(members_total=Count("memberships", filter=active))
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
        token_list_public().select_related("metrics").prefetch_related(memberships).get(slug=slug)
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
) -> SnapshotBuckets:
    """OHLC buckets (UTC hours or days) of the token's history with since <= ts <= until.

    Dicts with ``bucket`` (its start), ``open``/``high``/``low``/``close`` of the price,
    ``last_market_cap_usd``/``last_volume_24h_usd`` (those of the bucket's last snapshot) and
    ``count``, ordered by bucket; a lazy read, each evaluation one query (SnapshotBuckets).

    Raw snapshots count when inside the range, one per instant: where sources quote the same
    second, the one whose source sorts last (every figure and the count). Where retention
    folded them into SnapshotCompact rows, those rows take their place, each counting whole
    when it overlaps the range: an hourly row is one hour (a day's hours fold into its day);
    a daily row is one day, and at interval 1h it is one bucket at the start of its day.
    """
    return SnapshotBuckets(token_id=token.pk, since=since, until=until, interval=interval)


_BUCKET_COLUMNS = (
    "bucket", "open", "high", "low", "close",
    "last_market_cap_usd", "last_volume_24h_usd", "count",
)  # fmt: skip
# Each piece (a raw snapshot or a compacted row) as the same columns, in this order.
_PIECE_COLUMNS = (
    "piece_bucket", "piece_at", "piece_source", "piece_open", "piece_high", "piece_low",
    "piece_close", "piece_cap", "piece_volume", "piece_count", "piece_rank",
)  # fmt: skip


def _as_utc(value) -> datetime:
    # PostgreSQL gives aware datetimes, SQLite the text of django_datetime_trunc (UTC).
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class SnapshotBuckets:
    """The buckets of snapshot_buckets, read like a queryset by cursor pagination and the CSV
    stream: ``order_by("bucket" | "-bucket")``, ``filter(bucket__gt= | bucket__lt=)``,
    slicing, iteration and ``iterator()``, each evaluation ONE query.

    The query is a UNION ALL of the raw snapshots and the compacted rows of the range, then
    window functions over each bucket (PostgreSQL and SQLite); the bucket bounds of a page go
    into both halves, so a page only reads its own rows.
    """

    token_id: int
    since: datetime
    until: datetime
    interval: SnapshotInterval
    descending: bool = False
    after: datetime | None = None
    before: datetime | None = None

    def order_by(self, *fields: str) -> SnapshotBuckets:
        if fields not in (("bucket",), ("-bucket",)):
            raise ValueError(f"buckets order by bucket only, not {fields}")
        return replace(self, descending=fields[0].startswith("-"))

    def filter(self, **lookups) -> SnapshotBuckets:
        bounds = {}
        for lookup, value in lookups.items():
            if lookup not in ("bucket__gt", "bucket__lt"):
                raise ValueError(f"buckets filter by bucket__gt / bucket__lt only, not {lookup}")
            bounds["after" if lookup == "bucket__gt" else "before"] = _as_utc(value)
        return replace(self, **bounds)

    def __getitem__(self, index: slice) -> list[dict]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("buckets take a slice without step")
        start = index.start or 0
        count = None if index.stop is None else max(index.stop - start, 0)
        return list(self._rows(limit=count, offset=start))

    def __iter__(self):
        return iter(self._rows())

    def iterator(self, chunk_size: int = 2000):
        return self._rows(chunk_size=chunk_size, chunked=True)

    def _pieces(self) -> tuple[QuerySet, QuerySet]:
        kind = _TRUNC_KIND[self.interval]

        def bucket(field: str) -> Trunc:
            return Trunc(field, kind, output_field=DateTimeField(), tzinfo=UTC)

        # One quote per instant, the one whose source sorts last, as every reader keeps: the
        # first of its instant in descending source order. A window, not an anti-join: on a
        # history the planner has no statistics for (a new token's backfill), the anti-join
        # ran as a nested loop over the range for every quote (30,000 quotes: over a minute).
        last_of_instant = Window(RowNumber(), partition_by=[F("ts")], order_by=F("source").desc())
        raw = Snapshot.objects.filter(
            token_id=self.token_id, ts__gte=self.since, ts__lte=self.until
        ).annotate(
            piece_rank=last_of_instant,
            piece_bucket=bucket("ts"), piece_at=F("ts"), piece_source=F("source"),
            piece_open=F("price_usd"), piece_high=F("price_usd"), piece_low=F("price_usd"),
            piece_close=F("price_usd"), piece_cap=F("market_cap_usd"),
            piece_volume=F("volume_24h_usd"), piece_count=Value(1, IntegerField()),
        )  # fmt: skip
        # A row's bucket is at most a day before its close_at: bounds the unique index reads.
        try:
            earliest = self.since - timedelta(days=1)
        except OverflowError:
            earliest = self.since
        compact = SnapshotCompact.objects.filter(
            token_id=self.token_id, interval__in=["1h", "1d"],
            bucket__gte=earliest, bucket__lte=self.until,
            open_at__lte=self.until, close_at__gte=self.since,
        ).annotate(
            piece_bucket=bucket("bucket"), piece_at=F("open_at"),
            piece_source=Value("", CharField()), piece_open=F("open_usd"),
            piece_high=Coalesce("bar_high_usd", "high_usd"), piece_low=F("low_usd"),
            piece_close=F("close_usd"),
            piece_cap=F("market_cap_usd"), piece_volume=F("volume_24h_usd"),
            piece_count=F("count"), piece_rank=Value(1, IntegerField()),
        )  # fmt: skip
        if self.after is not None:  # the time bound lets the indexes help
            raw = raw.filter(ts__gt=self.after, piece_bucket__gt=self.after)
            compact = compact.filter(close_at__gt=self.after, piece_bucket__gt=self.after)
        if self.before is not None:
            raw = raw.filter(piece_bucket__lt=self.before)
            compact = compact.filter(piece_bucket__lt=self.before)
        return (
            raw.order_by().values_list(*_PIECE_COLUMNS),
            compact.order_by().values_list(*_PIECE_COLUMNS),
        )

    def _sql(self, *, limit: int | None, offset: int) -> tuple[str, list]:
        raw, compact = self._pieces()
        raw_sql, raw_params = raw.query.get_compiler(using=raw.db).as_sql()
        compact_sql, compact_params = compact.query.get_compiler(using=compact.db).as_sql()
        q = connection.ops.quote_name
        # One partition and order everywhere, so the database sorts the rows once.
        over = "PARTITION BY piece_bucket ORDER BY piece_at, piece_source"
        whole = f"OVER ({over} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
        names = ", ".join(q(name) for name in _BUCKET_COLUMNS)
        sql = (
            f"SELECT {names} FROM (SELECT piece_bucket AS {q('bucket')}, "
            f"FIRST_VALUE(piece_open) {whole} AS {q('open')}, "
            f"MAX(piece_high) {whole} AS {q('high')}, MIN(piece_low) {whole} AS {q('low')}, "
            f"LAST_VALUE(piece_close) {whole} AS {q('close')}, "
            f"LAST_VALUE(piece_cap) {whole} AS {q('last_market_cap_usd')}, "
            f"LAST_VALUE(piece_volume) {whole} AS {q('last_volume_24h_usd')}, "
            f"SUM(piece_count) {whole} AS {q('count')}, "
            f"ROW_NUMBER() OVER ({over}) AS {q('row_number')} "
            f"FROM ({raw_sql} UNION ALL {compact_sql}) pieces WHERE piece_rank = 1) buckets "
            f"WHERE {q('row_number')} = 1 "
            f"ORDER BY {q('bucket')} {'DESC' if self.descending else 'ASC'}"
        )
        if limit is not None or offset:
            # SQLite needs a LIMIT before an OFFSET; -1 there means none, PostgreSQL takes ALL.
            none = "ALL" if connection.vendor == "postgresql" else "-1"
            sql += f" LIMIT {none if limit is None else int(limit)} OFFSET {int(offset)}"
        return sql, [*raw_params, *compact_params]

    def _rows(self, *, limit=None, offset=0, chunk_size=2000, chunked=False):
        sql, params = self._sql(limit=limit, offset=offset)
        cursor = connection.chunked_cursor() if chunked else connection.cursor()
        with cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(chunk_size):
                for row in rows:
                    result = dict(zip(_BUCKET_COLUMNS, row, strict=True))
                    result["bucket"] = _as_utc(result["bucket"])
                    yield result


def fear_greed_recent(*, days: int = 90, at: datetime | None = None) -> list[FearGreedDaily]:
    """The latest ``days`` daily Fear & Greed values up to ``at``'s UTC day (default: the
    market's now, so a row dated ahead, say 9999, is not "the latest"), oldest first: one
    query (the demo clock is a subquery of it)."""
    if at is None:
        up_to = TruncDate(market_now_expression(), tzinfo=UTC)
    else:
        up_to = at.astimezone(UTC).date()
    rows = FearGreedDaily.objects.filter(day__lte=up_to).order_by("-day")
    return list(reversed(rows[:days]))


def fear_greed_listing() -> QuerySet[FearGreedDaily]:
    """Every stored daily Fear & Greed value, newest first (for the paginated API)."""
    return FearGreedDaily.objects.order_by("-day")
