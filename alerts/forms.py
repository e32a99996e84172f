"""The alert form of the pages. Types are checked here, meaning by the services (one set of
messages for pages and API). Thresholds are typed in percent here, fractions in the API."""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Condition, Frequency, Target
from alerts.services import PRICE_CONDITIONS, SUBJECT_FIELDS
from core.language import localized
from core.numbers import decimal_comma_read, number_text_is_plain
from markets.models import TokenList
from markets.symbols import symbol_lookup_key
from watchlists.models import Watchlist

UNIT_FREE = {Condition.VOLUME_SPIKE, Condition.LIST_MEMBERS_DOWN_20}
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def value_to_form(condition: str, value: float) -> float:
    if condition in PRICE_CONDITIONS or condition in UNIT_FREE:
        return value
    return round(value * 100, 6)


def value_from_form(condition: str, value: float) -> float:
    if condition in PRICE_CONDITIONS or condition in UNIT_FREE:
        return value
    return value / 100


class DecimalCommaFloatField(forms.FloatField):
    """A number as the page's language writes it: "0,5" and "1 000,5" on French pages, as the
    watchlists' lot form. A text field with a decimal keyboard, not a number input: Chromium's
    drops a typed comma ("-10,5" was posted as "-105"). Shown as the language writes it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)  # a TextInput, its value shown "-10,5" in French
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def prepare_value(self, value):
        if isinstance(value, float) and value.is_integer():
            return int(value)  # 6 hours, not "6,0"
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = decimal_comma_read(value)
            if value.strip() and not number_text_is_plain(value):  # float() reads "1_50"
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class AlertForm(forms.Form):
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    value = DecimalCommaFloatField(
        label=_("Level or threshold"),
        help_text=_(
            "Price levels in US dollars; changes and drawdowns in percent (e.g. -10); "
            "a volume spike as a factor (e.g. 3); a number of members for the 20 % count."
        ),
    )
    target = forms.ChoiceField(label=_("Watch"), choices=Target.choices, initial=Target.TOKEN)
    symbol = forms.CharField(label=_("Token symbol"), required=False, max_length=20)
    watchlist_id = forms.TypedChoiceField(
        label=_("Watchlist"), required=False, coerce=int, empty_value=None
    )
    list_slug = forms.ChoiceField(label=_("Curated list"), required=False)
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=Frequency.choices, initial=Frequency.ONCE
    )
    cooldown_hours = DecimalCommaFloatField(
        label=_("Cooldown (hours)"), initial=6, min_value=0, max_value=365 * 24
    )
    # A datetime-local input reads and sends only ISO 8601 (2027-01-01T00:00), whatever the
    # page's language: a localized value (01/01/2027 00:00:00 in French) shows as empty.
    expires_at = forms.DateTimeField(
        label=_("Expires (UTC, optional)"),
        required=False,
        input_formats=[DATETIME_LOCAL, f"{DATETIME_LOCAL}:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    webhook_url = forms.CharField(
        label=_("Webhook URL (HTTPS, optional)"), required=False, max_length=500
    )

    def __init__(self, *args, user, rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["watchlist_id"].choices = [("", "—")] + [
            (w.pk, w.name) for w in Watchlist.objects.filter(owner_id=user.pk)
        ]
        self.fields["list_slug"].choices = [
            ("", "—"),
            *[
                (slug, localized(name, name_fr))  # the reader's language
                for slug, name, name_fr in TokenList.objects.filter(is_public=True).values_list(
                    "slug", "name", "name_fr"
                )
            ],
        ]
        kept = rule.token_list if rule is not None and rule.token_list_id else None
        if kept is not None and not kept.is_public:
            # Unpublished by staff since: the alert keeps its list (silent meanwhile).
            field = self.fields["list_slug"]
            field.choices = [*field.choices, (kept.slug, kept.display_name)]

    def service_fields(self, *, rule=None) -> dict:
        """The service's fields; editing ``rule``, an expiry sent back as the form showed it
        is left out (kept as it is), so an alert whose expiry has passed can still be edited."""
        data = self.cleaned_data
        expires_at = data.get("expires_at")
        if expires_at is not None and expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        # The page shows every subject field; the target says which one counts.
        subject = SUBJECT_FIELDS.get(data["target"])
        fields = {
            "condition": data["condition"],
            "value": value_from_form(data["condition"], data["value"]),
            "target": data["target"],
            **{
                name: (data.get(name) or None) if name == subject else None
                for name in SUBJECT_FIELDS.values()
            },
            "frequency": data["frequency"],
            "cooldown_seconds": round(data["cooldown_hours"] * 3600),
            "expires_at": expires_at,
            "webhook_url": data.get("webhook_url") or "",
        }
        if rule is not None and _to_the_minute(expires_at) == _to_the_minute(rule.expires_at):
            del fields["expires_at"]
        if rule is not None and data["target"] == rule.target and _same_subject(rule, fields):
            # Kept as it is, even a token staff have deactivated or a list they unpublished.
            for name in ("target", *SUBJECT_FIELDS.values()):
                del fields[name]
        return fields


def _same_subject(rule, fields: dict) -> bool:
    if rule.token_id:
        return symbol_lookup_key(fields["symbol"] or "") == rule.token.symbol
    if rule.watchlist_id:
        return fields["watchlist_id"] == rule.watchlist_id
    return fields["list_slug"] == rule.token_list.slug


def _to_the_minute(moment):
    """As the form shows an expiry (datetime-local, to the minute)."""
    return None if moment is None else moment.replace(second=0, microsecond=0)


def initial_from_rule(rule) -> dict:
    return {
        "condition": rule.condition,
        "value": value_to_form(rule.condition, rule.value),
        "target": rule.target,
        "symbol": rule.token.symbol if rule.token_id else "",
        "watchlist_id": rule.watchlist_id,
        "list_slug": rule.token_list.slug if rule.token_list_id else "",
        "frequency": rule.frequency,
        "cooldown_hours": rule.cooldown_seconds / 3600,
        "expires_at": rule.expires_at,
        "webhook_url": rule.webhook_url,
    }


def initial_from_fields(fields: dict) -> dict:
    condition = fields["condition"]
    return {**fields, "value": value_to_form(condition, fields["value"]), "cooldown_hours": 6}


class WebhookSettingsForm(forms.Form):
    default_url = forms.CharField(
        label=_("Default webhook URL (HTTPS)"), required=False, max_length=500
    )
