"""Alert rules, their per-subject state, and their firings.

A rule watches one metric of its subjects: one token, every token of one of its owner's
watchlists, or every member of a curated list (resolved at each evaluation, so members added
later are covered); list conditions watch the list itself. A firing is unique per (rule,
subject, metrics version): the ``as_of`` time of the metrics row that was evaluated, so two
evaluations of the same metrics, even racing, record (and notify) it once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from markets.models import Token, TokenList
from watchlists.models import Watchlist

MAX_RULES_PER_USER = 200
DEFAULT_COOLDOWN_SECONDS = 6 * 3600


def rules_unexpired(now) -> Q:
    """Rules without an expiry, or whose expiry is still ahead of ``now`` (``is_expired``
    as a filter)."""
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


class Condition(models.TextChoices):
    CROSSING_UP = "crossing_up", _("price crossing up")
    CROSSING_DOWN = "crossing_down", _("price crossing down")
    CROSSING = "crossing", _("price crossing")
    GREATER_THAN = "greater_than", _("price greater than")
    LESS_THAN = "less_than", _("price less than")
    CHANGE_1H_BELOW = "change_1h_below", _("1 h change below")
    CHANGE_1H_ABOVE = "change_1h_above", _("1 h change above")
    CHANGE_24H_BELOW = "change_24h_below", _("24 h change below")
    CHANGE_24H_ABOVE = "change_24h_above", _("24 h change above")
    CHANGE_7D_BELOW = "change_7d_below", _("7 d change below")
    CHANGE_7D_ABOVE = "change_7d_above", _("7 d change above")
    DRAWDOWN_ATH_BELOW = "drawdown_ath_below", _("drawdown from ATH below")
    DRAWDOWN_7D_BELOW = "drawdown_7d_below", _("drawdown from 7-day high below")
    VOLUME_SPIKE = "volume_spike", _("24 h volume above k x its 30-day average")
    LIST_CAP_CHANGE_24H_BELOW = "list_cap_change_24h_below", _("list cap change 24 h below")
    LIST_CAP_CHANGE_7D_BELOW = "list_cap_change_7d_below", _("list cap change 7 d below")
    LIST_MEMBERS_DOWN_20 = "list_members_down_20", _("list members 20 % below ATH reaching")


LIST_CONDITIONS = frozenset(
    {
        Condition.LIST_CAP_CHANGE_24H_BELOW,
        Condition.LIST_CAP_CHANGE_7D_BELOW,
        Condition.LIST_MEMBERS_DOWN_20,
    }
)
CROSSINGS = frozenset({Condition.CROSSING_UP, Condition.CROSSING_DOWN, Condition.CROSSING})


class Target(models.TextChoices):
    TOKEN = "token", _("one token")
    WATCHLIST = "watchlist", _("every token of one of my watchlists")
    LIST = "list", _("every member of a curated list")


class Frequency(models.TextChoices):
    ONCE = "once", _("once, then the alert ends")
    PER_REFRESH = "per_refresh", _("once per refresh while true")
    REARM = "rearm", _("re-arm: again after the condition has cleared")


class AlertRule(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_rules",
        db_index=False,
    )
    condition = models.CharField(max_length=32, choices=Condition.choices)
    value = models.FloatField(help_text="Level in USD, threshold as a fraction, factor or count")
    target = models.CharField(max_length=16, choices=Target.choices, default=Target.TOKEN)
    token = models.ForeignKey(
        Token, on_delete=models.CASCADE, null=True, blank=True, related_name="alert_rules"
    )
    watchlist = models.ForeignKey(
        Watchlist, on_delete=models.CASCADE, null=True, blank=True, related_name="alert_rules"
    )
    token_list = models.ForeignKey(
        TokenList, on_delete=models.CASCADE, null=True, blank=True, related_name="alert_rules"
    )
    frequency = models.CharField(max_length=16, choices=Frequency.choices, default=Frequency.ONCE)
    cooldown_seconds = models.PositiveIntegerField(default=DEFAULT_COOLDOWN_SECONDS)
    expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True, help_text="False while paused")
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Set when a once-rule fired")
    webhook_url = models.CharField(max_length=500, blank=True, default="")
    # Values of the subjects when the rule was made: {"<subject id>": [value, as_of epoch]},
    # so a crossing never fires for a value already beyond the level at creation.
    baseline = models.JSONField(default=dict, blank=True)
    # The same for a one-token rule, as columns the database compares directly.
    baseline_price = models.FloatField(null=True, blank=True)
    baseline_as_of = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    last_fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="alertrule_owner_recent"),
            models.Index(
                fields=["id"],
                condition=Q(is_active=True, ended_at__isnull=True),
                name="alertrule_live",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        target="token",
                        token__isnull=False,
                        watchlist__isnull=True,
                        token_list__isnull=True,
                    )
                    | Q(
                        target="watchlist",
                        token__isnull=True,
                        watchlist__isnull=False,
                        token_list__isnull=True,
                    )
                    | Q(
                        target="list",
                        token__isnull=True,
                        watchlist__isnull=True,
                        token_list__isnull=False,
                    )
                ),
                name="alertrule_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition} {self.value}"

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= timezone.now()


class AlertState(models.Model):
    """Per (rule, subject): armed for re-arm rules, and when it last fired (cooldown)."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="states")
    subject_id = models.BigIntegerField(help_text="Token id, or list id for list conditions")
    armed = models.BooleanField(default=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject_id"], name="unique_alert_state")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.subject_id} armed={self.armed}"


class PriceSeen(models.Model):
    """The price of each token at the last two metrics versions evaluated: the "before" of
    a crossing. Kept per token, not per rule, so its update does not grow with the rules."""

    token = models.OneToOneField(Token, on_delete=models.CASCADE, primary_key=True)
    as_of = models.DateTimeField()
    price_usd = models.FloatField()
    prev_as_of = models.DateTimeField(null=True)
    prev_price_usd = models.FloatField(null=True)

    def __str__(self) -> str:
        return f"{self.token_id} {self.price_usd} as of {self.as_of:%Y-%m-%d %H:%M}"


class AlertFiring(models.Model):
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="firings")
    subject_id = models.BigIntegerField()
    version = models.DateTimeField(help_text="as_of of the metrics that made it fire")
    value = models.FloatField()
    # The words as notified, in the owner's language then: the admin's, and what the pages
    # show for a row without params (recorded before them).
    text = models.CharField(max_length=200, help_text="The rule's words, as notified")
    # What the words are written from when read, in the reader's language (see display_text).
    params = models.JSONField(
        blank=True,
        default=dict,
        db_default={},
        help_text="Condition, subject, level, value: its words in the reader's language",
    )
    url = models.CharField(max_length=200, blank=True, default="")
    fired_at = models.DateTimeField()
    run = models.UUIDField(help_text="The evaluation run that inserted it")

    class Meta:
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_id", "version"], name="unique_alert_firing"
            )
        ]
        indexes = [models.Index(fields=["run"], name="alertfiring_run")]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        """The words in the active language (the stored ones for a row without params)."""
        from alerts.words import firing_shown  # alerts.words imports this module

        return firing_shown(self)
