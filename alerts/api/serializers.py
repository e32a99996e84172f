"""Shapes of the alerts API. Types are checked here, meaning by the services (the same
messages as the pages). Thresholds are fractions (-0.10 = -10 %); price levels US dollars."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alerts.models import AlertFiring, AlertRule, Condition, Frequency, Target
from core.api.serializers import AbsoluteUrlField, PlainNumberMixin, StrictSerializer
from core.times import utc_designator_upper
from markets.models import TokenList
from markets.symbols import SYMBOL_MAX_LENGTH

# As long as a stored symbol or slug can be: a longer one is a short 400, not repeated in full.
LIST_SLUG_MAX_LENGTH = TokenList._meta.get_field("slug").max_length


class OffsetDateTimeField(serializers.DateTimeField):
    """A date-time with Z or an offset. One without is a 400, as the markets' ``at=``: DRF
    alone would read it in the server's time zone, which the client cannot know."""

    default_error_messages = {
        "naive": _("Give a time zone: end the time with Z or an offset such as +01:00.")
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            value = utc_designator_upper(value.strip())
        return super().to_internal_value(value)

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


class PlainFloatField(PlainNumberMixin, serializers.FloatField):
    pass


class AlertInputSerializer(StrictSerializer):
    condition = serializers.ChoiceField(choices=Condition.choices)
    value = PlainFloatField(
        help_text="Price level in USD (> 0); change or drawdown threshold as a fraction "
        "(> -1); spike factor (>= 1); number of members (>= 1)."
    )
    target = serializers.ChoiceField(choices=Target.choices, default=Target.TOKEN)
    symbol = serializers.CharField(
        required=False, max_length=SYMBOL_MAX_LENGTH, help_text="For target=token."
    )
    watchlist_id = serializers.IntegerField(
        required=False, min_value=1, help_text="One of your watchlists, for target=watchlist."
    )
    list_slug = serializers.SlugField(
        required=False,
        max_length=LIST_SLUG_MAX_LENGTH,
        help_text="A curated list, for target=list.",
    )
    frequency = serializers.ChoiceField(choices=Frequency.choices, default=Frequency.ONCE)
    cooldown_seconds = serializers.IntegerField(
        default=6 * 3600, min_value=0, max_value=365 * 86400, help_text="Default 6 hours."
    )
    expires_at = OffsetDateTimeField(
        required=False,
        allow_null=True,
        help_text="ISO 8601 with Z or an offset (2027-01-01T00:00:00Z); without one: a 400.",
    )
    webhook_url = serializers.CharField(
        required=False, allow_blank=True, help_text="HTTPS; empty: your default webhook."
    )
    is_active = serializers.BooleanField(
        required=False,
        help_text="false pauses the alert; true makes it live again, whether it was paused "
        "or had ended (a once-alert that fired).",
    )


class AlertSerializer(serializers.ModelSerializer):
    # Declared fields are not covered by Meta.read_only_fields: read-only here too, so that
    # the schema lists them as required (every answer has them, null for another target).
    symbol = serializers.CharField(
        source="token.symbol", allow_null=True, default=None, read_only=True
    )
    list_slug = serializers.SlugField(
        source="token_list.slug", allow_null=True, default=None, read_only=True
    )
    watchlist_id = serializers.IntegerField(allow_null=True, read_only=True)
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = AlertRule
        fields = [
            "id",
            "condition",
            "value",
            "target",
            "symbol",
            "watchlist_id",
            "list_slug",
            "frequency",
            "cooldown_seconds",
            "expires_at",
            "is_expired",
            "webhook_url",
            "is_active",
            "ended_at",
            "created_at",
            "last_fired_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "created_at": {
                "help_text": "When the rule was made, or last re-armed: a change of its "
                "condition, level or target starts it again from the current values."
            }
        }


class FiringSerializer(serializers.ModelSerializer):
    text = serializers.CharField(
        source="display_text",
        read_only=True,
        help_text="The rule's words, in the request's language (Accept-Language) whatever the "
        "language it fired in; a firing recorded before that was possible keeps its first words.",
    )
    url = AbsoluteUrlField(read_only=True, help_text="The page it is about, as an absolute URL.")

    class Meta:
        model = AlertFiring
        fields = ["id", "subject_id", "version", "value", "text", "url", "fired_at"]
        read_only_fields = fields
