"""Tokens, curated lists, price snapshots and the materialised metrics computed from them."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from core.language import localized_property
from markets.symbols import SYMBOL_DB_REGEX, SYMBOL_MAX_LENGTH, SYMBOL_RULE, symbol_validate


class Token(models.Model):
    class AssetClass(models.TextChoices):
        CRYPTO = "crypto", "Crypto"
        EQUITY = "equity", "Equity"  # trades on weekdays only

    symbol = models.CharField(
        max_length=SYMBOL_MAX_LENGTH,
        unique=True,
        validators=[symbol_validate],
        help_text="Upper case letters, digits, dots or hyphens, e.g. TAO",
    )
    name = models.CharField(max_length=100)
    name_fr = models.CharField(max_length=100, blank=True, default="", help_text="French name")
    coingecko_id = models.CharField(
        max_length=100, blank=True, default="", help_text="CoinGecko coin id, e.g. bittensor"
    )
    asset_class = models.CharField(
        max_length=10, choices=AssetClass.choices, default=AssetClass.CRYPTO
    )
    stooq_symbol = models.CharField(
        max_length=20, blank=True, default="", help_text="Stooq ticker of an equity, e.g. msft.us"
    )
    is_active = models.BooleanField(default=True, help_text="Refreshed and shown when active")
    is_benchmark = models.BooleanField(default=False, help_text="Shown as a benchmark (BTC, ETH)")
    created_at = models.DateTimeField(auto_now_add=True)
    # The all-time high the provider reports (it knows history older than ours).
    provider_ath_usd = models.FloatField(null=True, blank=True)
    provider_ath_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["symbol"]
        constraints = [
            models.CheckConstraint(
                condition=Q(symbol=Upper("symbol")) & ~Q(symbol=""), name="token_symbol_upper"
            ),
            # What /tokens/<symbol>/ can route: a symbol outside it would break every page
            # that links to the token.
            models.CheckConstraint(
                condition=Q(symbol__regex=SYMBOL_DB_REGEX),
                name="token_symbol_routable",
                violation_error_message=SYMBOL_RULE,
            ),
            models.UniqueConstraint(
                fields=["coingecko_id"],
                condition=~Q(coingecko_id=""),
                name="token_coingecko_id_unique",
            ),
            models.CheckConstraint(
                condition=(Q(provider_ath_usd__isnull=True) & Q(provider_ath_at__isnull=True))
                | (Q(provider_ath_usd__gt=0) & Q(provider_ath_at__isnull=False)),
                name="token_provider_ath_complete",
            ),
            models.CheckConstraint(
                condition=Q(asset_class__in=["crypto", "equity"]), name="token_asset_class_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.symbol

    display_name = localized_property("name")


class TokenList(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    name_fr = models.CharField(max_length=100, blank=True, default="", help_text="French name")
    description = models.TextField(blank=True, default="")
    description_fr = models.TextField(blank=True, default="", help_text="French description")
    is_featured = models.BooleanField(default=False, help_text="Shown on the dashboard")
    is_public = models.BooleanField(default=True)
    members = models.ManyToManyField(Token, through="TokenListMembership", related_name="lists")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_featured"], condition=Q(is_featured=True), name="one_featured_list"
            ),
            # The dashboard shows the featured list: unpublished, it would show nothing.
            models.CheckConstraint(
                condition=Q(is_featured=False) | Q(is_public=True),
                name="featured_list_public",
                violation_error_message=_("The featured list must be public."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    display_name = localized_property("name")

    display_description = localized_property("description")


class TokenListMembership(models.Model):
    token_list = models.ForeignKey(TokenList, on_delete=models.CASCADE, related_name="memberships")
    token = models.ForeignKey(Token, on_delete=models.CASCADE, related_name="memberships")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["token_list", "token"], name="unique_list_member")
        ]

    def __str__(self) -> str:
        return f"{self.token.symbol} ({self.token.name}) #{self.position + 1}"


class Snapshot(models.Model):
    """One quote of one token at one instant from one source. Market data are floats."""

    # No index of its own: unique_snapshot (token, ts, source) starts with the token.
    token = models.ForeignKey(
        Token, on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
    ts = models.DateTimeField()
    # PostgreSQL compares it byte-wise (COLLATE "C", migration 0015, not in the model state:
    # SQLite knows no "C"); an AlterField here must keep it (tests/markets/test_source_ties.py).
    source = models.CharField(max_length=32)
    price_usd = models.FloatField()
    market_cap_usd = models.FloatField(null=True, blank=True)
    volume_24h_usd = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            # Its index (token, ts, source) also serves "latest" and time-range reads.
            models.UniqueConstraint(fields=["token", "ts", "source"], name="unique_snapshot"),
            models.CheckConstraint(condition=Q(price_usd__gt=0), name="snapshot_price_positive"),
            models.CheckConstraint(
                condition=Q(market_cap_usd__isnull=True) | Q(market_cap_usd__gte=0),
                name="snapshot_cap_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(volume_24h_usd__isnull=True) | Q(volume_24h_usd__gte=0),
                name="snapshot_volume_non_negative",
            ),
        ]
        indexes = [
            # "First time the highest price was reached" is one index probe per token.
            models.Index(fields=["token", "-price_usd", "ts"], name="snapshot_token_price_ts"),
            # The demo clock (newest demo quote) in one probe; other sources add no entry.
            models.Index(fields=["-ts"], condition=Q(source="demo"), name="snapshot_demo_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.ts:%Y-%m-%d %H:%M} {self.price_usd}"


class PriceHourly(models.Model):
    """Last price of each UTC hour, kept up to date by ingest: the input of value charts."""

    # The key is the row's identity: no surrogate id, whose sequence and index cost bulk
    # loads as much as the rows themselves.
    pk = models.CompositePrimaryKey("token_id", "hour")
    token = models.ForeignKey(
        Token, on_delete=models.CASCADE, related_name="hourly_closes", db_index=False
    )
    hour = models.DateTimeField()
    close_usd = models.FloatField()

    class Meta:
        verbose_name = _("hourly close")
        verbose_name_plural = _("hourly closes")

    def __str__(self) -> str:
        return f"{self.token_id} {self.hour:%Y-%m-%d %H:00} {self.close_usd}"


class PriceDayCloses(models.Model):
    """A token's 24 hourly closes of one UTC day packed in one row (big-endian float64, NaN
    for an hour without a price), kept in step with PriceHourly: valuing a watchlist over
    months reads a row per token-day instead of a row per token-hour."""

    pk = models.CompositePrimaryKey("token_id", "day")
    token = models.ForeignKey(
        Token, on_delete=models.CASCADE, related_name="day_closes", db_index=False
    )
    day = models.DateField()
    closes = models.BinaryField()

    class Meta:
        verbose_name = _("day of hourly closes")
        verbose_name_plural = _("days of hourly closes")

    def __str__(self) -> str:
        return f"{self.token_id} {self.day}"


class SnapshotDaySummary(models.Model):
    """The few snapshots of one past UTC day that the live metrics need (PostgreSQL only):
    each hour's last quote, the day's highest and lowest and the two ends of its deepest
    fall, packed like the metrics read (``markets/services/day_summary.py``). The metrics
    read these for the inner days of a 90-day window instead of every snapshot; a trigger
    on the snapshot table deletes the summary of any day whose snapshots change."""

    pk = models.CompositePrimaryKey("token_id", "day")
    token = models.ForeignKey(
        Token, on_delete=models.CASCADE, related_name="day_summaries", db_index=False
    )
    day = models.DateField()
    points = models.BinaryField()

    class Meta:
        verbose_name = _("snapshot day summary")
        verbose_name_plural = _("snapshot day summaries")

    def __str__(self) -> str:
        return f"{self.token_id} {self.day}"


class TokenMetrics(models.Model):
    """Materialised metrics of one token as of its latest snapshot (fractions, not percents)."""

    token = models.OneToOneField(
        Token, on_delete=models.CASCADE, primary_key=True, related_name="metrics"
    )
    as_of = models.DateTimeField()
    price_usd = models.FloatField()
    market_cap_usd = models.FloatField(null=True)
    volume_24h_usd = models.FloatField(null=True)
    change_1h = models.FloatField(null=True)
    change_24h = models.FloatField(null=True)
    change_7d = models.FloatField(null=True)
    change_30d = models.FloatField(null=True)
    ath_usd = models.FloatField()
    ath_at = models.DateTimeField()
    drawdown_from_ath = models.FloatField()
    high_7d_usd = models.FloatField()
    low_7d_usd = models.FloatField()
    high_30d_usd = models.FloatField()
    low_30d_usd = models.FloatField()
    drawdown_7d = models.FloatField()
    drawdown_30d = models.FloatField()
    max_drawdown_30d = models.FloatField()
    max_drawdown_90d = models.FloatField()
    turnover = models.FloatField(null=True)
    beta_btc_30d = models.FloatField(null=True)
    corr_btc_30d = models.FloatField(null=True)
    # Caps at the 24 h / 7 d reference snapshots, kept so list metrics need no history read.
    ref_cap_24h_usd = models.FloatField(null=True)
    ref_cap_7d_usd = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "token metrics"

    def __str__(self) -> str:
        return f"metrics of {self.token_id} as of {self.as_of:%Y-%m-%d %H:%M}"


class ListMetrics(models.Model):
    token_list = models.OneToOneField(
        TokenList, on_delete=models.CASCADE, primary_key=True, related_name="metrics"
    )
    as_of = models.DateTimeField(null=True)
    total_market_cap_usd = models.FloatField(null=True)
    cap_change_24h = models.FloatField(null=True)
    cap_change_7d = models.FloatField(null=True)
    equal_weight_change_24h = models.FloatField(null=True)
    equal_weight_change_7d = models.FloatField(null=True)
    members_count = models.PositiveIntegerField(default=0)
    members_down_20_from_ath = models.PositiveIntegerField(default=0)
    # [[epoch seconds, total cap], …] hourly, for charts.
    cap_series = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "list metrics"

    def __str__(self) -> str:
        return f"metrics of list {self.token_list_id}"


class RefreshRun(models.Model):
    class Kind(models.TextChoices):
        REFRESH = "refresh", "Refresh"
        BACKFILL = "backfill", "Backfill"
        IMPORT = "import", "CSV import"
        SEED = "seed", "Demo seed"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "OK"
        PARTIAL = "partial", "Partly failed"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    provider = models.CharField(max_length=32)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REFRESH)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    tokens_requested = models.PositiveIntegerField(default=0)
    quotes_stored = models.PositiveIntegerField(default=0)
    quotes_rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status", "-started_at"], name="refreshrun_status_started")]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class JobLock(models.Model):
    """A lease that keeps two runs of the same job apart, across processes and machines."""

    name = models.CharField(max_length=64, primary_key=True)
    owner = models.CharField(max_length=64)
    locked_until = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class SnapshotCompact(models.Model):
    """Snapshots past their retention, folded into one row per token and UTC hour or day.

    open/close are the first/last price of the bucket (at open_at/close_at), high the highest
    and high_at when it was first reached (so all-time highs stay exact), market cap and
    volume those of the bucket's last snapshot, count how many snapshots it folds.

    Where two sources quote the same second, the bucket keeps one quote per instant (the
    source that sorts last) but the all-time high reads every quote: bar_high_usd is then
    the bucket's own high, below high_usd; null when the two are the same.
    """

    class Interval(models.TextChoices):
        HOUR = "1h", "Hour"
        DAY = "1d", "Day"

    token = models.ForeignKey(
        Token, on_delete=models.CASCADE, related_name="compacted", db_index=False
    )
    interval = models.CharField(max_length=2, choices=Interval.choices)
    bucket = models.DateTimeField()
    open_usd = models.FloatField()
    open_at = models.DateTimeField()
    high_usd = models.FloatField()
    high_at = models.DateTimeField()
    bar_high_usd = models.FloatField(null=True, blank=True)
    low_usd = models.FloatField()
    close_usd = models.FloatField()
    close_at = models.DateTimeField()
    market_cap_usd = models.FloatField(null=True, blank=True)
    volume_24h_usd = models.FloatField(null=True, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("compacted snapshot")
        verbose_name_plural = _("compacted snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["token", "interval", "bucket"], name="unique_snapshot_compact"
            ),
            models.CheckConstraint(
                condition=Q(low_usd__gt=0) & Q(high_usd__gte=models.F("low_usd")),
                name="snapshot_compact_prices",
            ),
            models.CheckConstraint(
                condition=Q(bar_high_usd__isnull=True)
                | (
                    Q(bar_high_usd__gte=models.F("low_usd"))
                    & Q(bar_high_usd__lt=models.F("high_usd"))
                ),
                name="snapshot_compact_bar_high",
            ),
        ]
        indexes = [
            models.Index(fields=["token", "-high_usd", "high_at"], name="compact_token_high_at"),
            # Charts read a range's closes in time order from the index alone.
            models.Index(
                fields=["token", "close_at"], include=["close_usd"], name="compact_token_close_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.interval} {self.bucket:%Y-%m-%d %H:%M}"


class FearGreedDaily(models.Model):
    """The crypto Fear & Greed index (alternative.me), one value 0-100 per UTC day."""

    day = models.DateField(unique=True)
    value = models.PositiveSmallIntegerField()
    classification = models.CharField(max_length=32, blank=True, default="")
    source = models.CharField(max_length=32, default="alternative.me")
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("daily Fear & Greed value")
        verbose_name_plural = _("daily Fear & Greed values")
        ordering = ["-day"]
        constraints = [
            models.CheckConstraint(condition=Q(value__lte=100), name="fear_greed_value_range"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.value}"
