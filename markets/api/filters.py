"""Query parameters of the read API: validation (400 naming the parameter) and OpenAPI docs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers

from core.api.pagination import SnapshotCursorPagination
from core.api.params import INSTANT_SCHEMA, SLUG_SCHEMA, QueryParams
from core.times import utc_designator_upper
from markets.models import Token
from markets.selectors import TOKEN_ORDERING_FIELDS, market_now
from markets.services.replay import query_offset_restore

ORDERINGS = [prefix + name for name in TOKEN_ORDERING_FIELDS for prefix in ("", "-")]
INTERVALS = ["raw", "1h", "1d"]
DEFAULT_SPAN = timedelta(days=7)
INSTANT_HELP = (
    "ISO 8601 date (2026-02-01) or date-time (2026-02-01T12:00:00Z, +01:00 offsets allowed); "
    "a date-time without offset is UTC."
)


class InstantOutOfRange(ValueError):
    """A well-formed time that has no UTC equivalent (9999-12-31T23:00-05:00)."""


def instant_parse(value: str, *, end_of_day: bool = False) -> datetime:
    """An aware UTC datetime from an ISO 8601 date or date-time; a date means its first (or,
    with ``end_of_day``, its last) microsecond; a lower-case ``z`` is UTC too (RFC 3339, as
    in the CSV import). Raises ValueError."""
    value = utc_designator_upper(query_offset_restore(value).strip())
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise InstantOutOfRange(value) from None


class InstantField(serializers.Field):
    default_error_messages = {
        "invalid": gettext_lazy("Not an ISO 8601 date or date-time: {value!r}."),
        "out_of_range": gettext_lazy("Out of range once converted to UTC: {value!r}."),
    }

    def __init__(self, *, end_of_day: bool = False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return instant_parse(str(data), end_of_day=self.end_of_day)
        except InstantOutOfRange:
            self.fail("out_of_range", value=str(data)[:100])
        except ValueError:
            self.fail("invalid", value=str(data)[:100])

    def to_representation(self, value):
        return value.isoformat()


class TokenListParams(QueryParams):
    list = serializers.SlugField(required=False, max_length=50)
    asset_class = serializers.ChoiceField(choices=Token.AssetClass.values, required=False)
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False, default="symbol")


class SnapshotParams(QueryParams):
    """since <= ts <= until; by default the 7 days up to the market's now (the latest demo
    hour in demo mode, see markets/clock.py) or up to ``until``."""

    since = InstantField(required=False)
    until = InstantField(required=False, end_of_day=True)
    interval = serializers.ChoiceField(choices=INTERVALS, required=False, default="raw")

    def validate(self, attrs):
        until = attrs.get("until") or market_now()
        since = attrs.get("since")
        if since is None:
            try:
                since = until - DEFAULT_SPAN
            except OverflowError:
                since = datetime.min.replace(tzinfo=UTC)
        if since > until:
            message = _("Must not be after until.")
            if attrs.get("until") is None:
                latest = until.isoformat().replace("+00:00", "Z")
                message = _("Must not be after until (by default the latest data, %(latest)s).")
                message %= {"latest": latest}
            raise serializers.ValidationError({"since": [message]})
        return {**attrs, "since": since, "until": until}


LIST_PARAM = OpenApiParameter(
    "list",
    {**SLUG_SCHEMA, "maxLength": 50},
    description="Only the members of this public list (its slug).",
    examples=[OpenApiExample("AI tokens", value="ai")],
)
ASSET_CLASS_PARAM = OpenApiParameter(
    "asset_class",
    OpenApiTypes.STR,
    enum=Token.AssetClass.values,
    description="Only tokens of this asset class: crypto, or equity (daily closes, weekdays).",
    examples=[OpenApiExample("AI equities", value="equity")],
)
ORDERING_PARAM = OpenApiParameter(
    "ordering",
    OpenApiTypes.STR,
    enum=ORDERINGS,
    default="symbol",
    description="A metric name, symbol or name; '-' first for descending. Missing values come "
    "last either way; ties go by symbol.",
)
SNAPSHOT_PARAMS = [
    OpenApiParameter(
        "since",
        INSTANT_SCHEMA,
        description=f"Start (inclusive). {INSTANT_HELP} Default: 7 days before until.",
        examples=[OpenApiExample("A date", value="2026-02-05")],
    ),
    OpenApiParameter(
        "until",
        INSTANT_SCHEMA,
        description=f"End (inclusive; a date means its whole day). {INSTANT_HELP} Default: now "
        "(with the demo data: their latest hour).",
        examples=[OpenApiExample("A date-time", value="2026-02-06T12:00:00Z")],
    ),
    OpenApiParameter(
        "interval",
        OpenApiTypes.STR,
        enum=INTERVALS,
        default="raw",
        description="raw: every stored snapshot, which retention keeps for RAW_RETENTION_DAYS "
        "(100) before the token's latest one; 1h / 1d: OHLC buckets of UTC hours / days over "
        "the whole history, older history at the resolution retention kept: hours, or days "
        "past HOURLY_RETENTION_DAYS (730), each such day one 1h bucket at its start.",
    ),
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=["json", "csv"],
        default="json",
        description="csv streams every row of the range as CSV (header first), unpaginated.",
    ),
    OpenApiParameter(
        "cursor", OpenApiTypes.STR, description="Page cursor, from the next/previous links."
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": SnapshotCursorPagination.max_page_size},
        default=SnapshotCursorPagination.page_size,
        description=f"Rows per page (1 to {SnapshotCursorPagination.max_page_size}).",
    ),
]


AT_PARAM = OpenApiParameter(
    "at",
    OpenApiTypes.DATETIME,
    OpenApiParameter.QUERY,
    required=False,
    description="Replay: the metrics as they were at this hour, computed by the same code over "
    "the history up to it. ISO 8601 date-time with Z or an offset (a time without one, or an "
    "empty value, is a 400), floored to the hour; a time in the future means now (no "
    "replay). Before any data the metrics are null.",
    examples=[OpenApiExample("During the crash", value="2026-02-05T14:00Z")],
)
