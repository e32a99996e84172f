"""Episodes of the market's story: dated events, price levels and figures staff enter.

Figures that stored prices give (falls, worst day, Fear & Greed low) are computed by
``episodes/selectors.py``; ``MarketFact`` holds the ones no free API gives (liquidations,
capex announcements), each with its source. Rows seeded with the demo data carry ``is_demo``
and leave with them.
"""

from django.db import models
from django.db.models import F, Q

from core.language import localized_property
from markets.models import Token, TokenList


class Episode(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=200)
    title_fr = models.CharField(max_length=200, blank=True, default="", help_text="French title")
    start = models.DateTimeField(help_text="Start of the window the figures cover (UTC)")
    end = models.DateTimeField(help_text="End of the window (UTC), after the start")
    summary = models.TextField(blank=True, default="")
    summary_fr = models.TextField(blank=True, default="", help_text="French summary")
    lists = models.ManyToManyField(
        TokenList, blank=True, related_name="episodes", help_text="Lists whose tokens it covers"
    )
    is_published = models.BooleanField(default=False, help_text="Shown to everyone when set")
    is_demo = models.BooleanField(default=False, help_text="Seeded with the demo data")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="episode_end_after_start"),
            models.CheckConstraint(condition=~Q(title=""), name="episode_title_set"),
        ]

    def __str__(self) -> str:
        return self.slug

    display_title = localized_property("title")

    display_summary = localized_property("summary")


class Event(models.Model):
    """Something that happened at a time, drawn as a marker on the charts it concerns."""

    at = models.DateTimeField()
    title = models.CharField(max_length=200)
    title_fr = models.CharField(max_length=200, blank=True, default="", help_text="French title")
    description = models.TextField(blank=True, default="")
    description_fr = models.TextField(blank=True, default="", help_text="French description")
    url = models.URLField(blank=True, default="", help_text="Optional link to read more")
    tokens = models.ManyToManyField(Token, blank=True, related_name="events")
    lists = models.ManyToManyField(TokenList, blank=True, related_name="events")
    is_demo = models.BooleanField(default=False, help_text="Seeded with the demo data")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="event_at")]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="event_title_set")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.title}"

    display_title = localized_property("title")

    display_description = localized_property("description")


class Level(models.Model):
    """A price band of a token (support, resistance), drawn shaded on its price chart."""

    token = models.ForeignKey(Token, on_delete=models.CASCADE, related_name="levels")
    low = models.FloatField(help_text="Bottom of the band, USD")
    high = models.FloatField(help_text="Top of the band, USD (above the bottom)")
    label = models.CharField(max_length=100)
    label_fr = models.CharField(max_length=100, blank=True, default="", help_text="French label")
    is_demo = models.BooleanField(default=False, help_text="Seeded with the demo data")

    class Meta:
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
        USD = "usd", "US dollars"
        RATIO = "ratio", "Ratio (a fraction: -0.08 is -8 %)"
        NUMBER = "number", "Number"

    at = models.DateTimeField(help_text="When the figure applies (UTC)")
    value = models.FloatField()
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.USD)
    wording = models.CharField(max_length=300, help_text="What the figure is, in English")
    wording_fr = models.CharField(max_length=300, blank=True, default="", help_text="In French")
    source = models.CharField(
        max_length=200, blank=True, default="", help_text="Who reports it (when no link)"
    )
    source_url = models.URLField(blank=True, default="")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.SET_NULL, related_name="facts"
    )
    is_demo = models.BooleanField(default=False, help_text="Seeded with the demo data")

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="") | ~Q(source_url=""), name="market_fact_has_source"
            ),
            models.CheckConstraint(
                condition=Q(unit__in=["usd", "ratio", "number"]), name="market_fact_unit_valid"
            ),
            models.CheckConstraint(condition=~Q(wording=""), name="market_fact_wording_set"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.wording}"

    display_wording = localized_property("wording")
