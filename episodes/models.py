"""Episodes of the market's story: dated events, price levels and figures staff enter.

Figures that stored prices give (falls, worst day, Fear & Greed low) are computed by
``episodes/selectors.py``; ``MarketFact`` holds the ones no free API gives (liquidations,
capex announcements), each with its source. Rows seeded with the demo data carry ``is_demo``
and leave with them. Every date is one of the price data's (1990 to 2099, UTC): the form and
a check constraint refuse others.
"""

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.language import localized_property
from markets.models import Token, TokenList
from markets.providers.base import MAX_EPOCH, MIN_EPOCH

# The price data's range (imports and providers refuse quotes outside it): nothing to chart
# before or after, and a date near year 1 or 9999 overflowed the date arithmetic (a 24 h
# reference, the replay's hour steps, the admin's date drill-down) into a 500.
EARLIEST = datetime.fromtimestamp(MIN_EPOCH, UTC)  # 1990-01-01
LATEST = datetime.fromtimestamp(MAX_EPOCH, UTC)  # 2100-01-01, excluded
DATE_RULE = _("Give a date from 1990 to 2099 (UTC).")


def date_validate(value: datetime) -> None:
    """Refuse a date outside the price data's range, 1990 to 2099 (UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if not EARLIEST <= aware < LATEST:
        raise ValidationError(DATE_RULE, code="date_out_of_range")


def _in_range(field: str) -> Q:
    return Q(**{f"{field}__gte": EARLIEST, f"{field}__lt": LATEST})


class Episode(models.Model):
    slug = models.SlugField(max_length=50, unique=True, verbose_name=_("slug"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    title_fr = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text=_("French title"),
        verbose_name=_("title (French)"),
    )
    start = models.DateTimeField(
        help_text=_("Start of the window the figures cover (UTC)"),
        validators=[date_validate],
        verbose_name=_("start"),
    )
    end = models.DateTimeField(
        help_text=_("End of the window (UTC), after the start"),
        validators=[date_validate],
        verbose_name=_("end"),
    )
    summary = models.TextField(blank=True, default="", verbose_name=_("summary"))
    summary_fr = models.TextField(
        blank=True, default="", help_text=_("French summary"), verbose_name=_("summary (French)")
    )
    lists = models.ManyToManyField(
        TokenList,
        blank=True,
        related_name="episodes",
        help_text=_("Lists whose tokens it covers"),
        verbose_name=_("lists"),
    )
    is_published = models.BooleanField(
        default=False, help_text=_("Shown to everyone when set"), verbose_name=_("published")
    )
    is_demo = models.BooleanField(
        default=False, help_text=_("Seeded with the demo data"), verbose_name=_("demo")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="episode_end_after_start"),
            models.CheckConstraint(condition=~Q(title=""), name="episode_title_set"),
            models.CheckConstraint(
                condition=_in_range("start") & _in_range("end"),
                name="episode_dates_in_range",
                violation_error_message=DATE_RULE,
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    display_title = localized_property("title")

    display_summary = localized_property("summary")


class Event(models.Model):
    """Something that happened at a time, drawn as a marker on the charts it concerns."""

    at = models.DateTimeField(validators=[date_validate], verbose_name=_("at"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    title_fr = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text=_("French title"),
        verbose_name=_("title (French)"),
    )
    description = models.TextField(blank=True, default="", verbose_name=_("description"))
    description_fr = models.TextField(
        blank=True,
        default="",
        help_text=_("French description"),
        verbose_name=_("description (French)"),
    )
    url = models.URLField(
        blank=True, default="", help_text=_("Optional link to read more"), verbose_name=_("link")
    )
    tokens = models.ManyToManyField(
        Token, blank=True, related_name="events", verbose_name=_("tokens")
    )
    lists = models.ManyToManyField(
        TokenList, blank=True, related_name="events", verbose_name=_("lists")
    )
    is_demo = models.BooleanField(
        default=False, help_text=_("Seeded with the demo data"), verbose_name=_("demo")
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="event_at")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="event_title_set"),
            models.CheckConstraint(
                condition=_in_range("at"),
                name="event_at_in_range",
                violation_error_message=DATE_RULE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.title}"

    display_title = localized_property("title")

    display_description = localized_property("description")


class Level(models.Model):
    """A price band of a token (support, resistance), drawn shaded on its price chart."""

    token = models.ForeignKey(
        Token, on_delete=models.CASCADE, related_name="levels", verbose_name=_("token")
    )
    low = models.FloatField(help_text=_("Bottom of the band, USD"), verbose_name=_("low"))
    high = models.FloatField(
        help_text=_("Top of the band, USD (above the bottom)"), verbose_name=_("high")
    )
    label = models.CharField(max_length=100, verbose_name=_("label"))
    label_fr = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text=_("French label"),
        verbose_name=_("label (French)"),
    )
    is_demo = models.BooleanField(
        default=False, help_text=_("Seeded with the demo data"), verbose_name=_("demo")
    )

    class Meta:
        verbose_name = _("price level")
        verbose_name_plural = _("price levels")
        ordering = ["token", "low"]
        constraints = [
            models.CheckConstraint(
                condition=Q(low__gt=0) & Q(high__gt=F("low")), name="level_low_below_high"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.low}-{self.high}"

    display_label = localized_property("label")


class MarketFact(models.Model):
    """A dated figure no free API gives (liquidations, capex), with where it comes from."""

    class Unit(models.TextChoices):
        USD = "usd", _("US dollars")
        RATIO = "ratio", _("Ratio (a fraction: -0.08 is -8 %)")
        NUMBER = "number", _("Number")

    at = models.DateTimeField(
        help_text=_("When the figure applies (UTC)"),
        validators=[date_validate],
        verbose_name=_("at"),
    )
    value = models.FloatField(verbose_name=_("value"))
    unit = models.CharField(
        max_length=10, choices=Unit.choices, default=Unit.USD, verbose_name=_("unit")
    )
    wording = models.CharField(
        max_length=300, help_text=_("What the figure is, in English"), verbose_name=_("wording")
    )
    wording_fr = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text=_("In French"),
        verbose_name=_("wording (French)"),
    )
    source = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text=_("Who reports it (when no link)"),
        verbose_name=_("source"),
    )
    source_url = models.URLField(blank=True, default="", verbose_name=_("source link"))
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facts",
        verbose_name=_("episode"),
    )
    is_demo = models.BooleanField(
        default=False, help_text=_("Seeded with the demo data"), verbose_name=_("demo")
    )

    class Meta:
        verbose_name = _("market fact")
        verbose_name_plural = _("market facts")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="") | ~Q(source_url=""), name="market_fact_has_source"
            ),
            models.CheckConstraint(
                condition=Q(unit__in=["usd", "ratio", "number"]), name="market_fact_unit_valid"
            ),
            models.CheckConstraint(condition=~Q(wording=""), name="market_fact_wording_set"),
            models.CheckConstraint(
                condition=_in_range("at"),
                name="market_fact_at_in_range",
                violation_error_message=DATE_RULE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.wording}"

    display_wording = localized_property("wording")
