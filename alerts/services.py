"""Every write of alert rules: create, update, pause/resume, delete; presets from the article.

Pages and API share these checks and messages; a refused input saves nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.models import (
    LIST_CONDITIONS,
    MAX_RULES_PER_USER,
    AlertRule,
    Condition,
    Frequency,
    Target,
    rules_unexpired,
)
from alerts.words import rule_describe
from markets.models import Token, TokenList, TokenListMembership, TokenMetrics
from markets.symbols import symbol_is_valid, symbol_lookup_key
from notifications.services import webhook_url_clean
from watchlists.models import Watchlist, WatchlistItem

PRICE_CONDITIONS = {"crossing_up", "crossing_down", "crossing", "greater_than", "less_than"}
MAX_PRICE = 1e9
MAX_COOLDOWN_SECONDS = 365 * 86400

PRESETS = {
    "btc-60k": {
        "title": gettext_lazy("BTC crossing down $60,000"),
        "fields": {
            "condition": "crossing_down",
            "value": 60000.0,
            "target": "token",
            "symbol": "BTC",
            "frequency": "rearm",
        },
    },
    "ai-20-below-7d-high": {
        "title": gettext_lazy("Any AI token more than 20 % below its 7-day high"),
        "fields": {
            "condition": "drawdown_7d_below",
            "value": -0.20,
            "target": "list",
            "list_slug": "ai",
            "frequency": "rearm",
        },
    },
    "ai-cap-24h": {
        "title": gettext_lazy("AI tokens: cap change 24\u00a0h below \u221210\u00a0%"),
        "fields": {
            "condition": "list_cap_change_24h_below",
            "value": -0.10,
            "target": "list",
            "list_slug": "ai",
            "frequency": "rearm",
        },
    },
    "tao-volume-3x": {
        "title": gettext_lazy("TAO volume spike (3x)"),
        "fields": {
            "condition": "volume_spike",
            "value": 3.0,
            "target": "token",
            "symbol": "TAO",
            "frequency": "rearm",
        },
    },
}


class AlertDuplicate(ValidationError):
    """The alert asked for is one its owner already has: ``rule`` is that one."""

    def __init__(self, rule: AlertRule) -> None:
        words = rule_describe(rule)
        if rule.is_active:
            message = _(
                "You already have this alert: “%(words)s” (alert %(id)s). "
                "Change that one rather than making a second."
            )
        else:
            message = _(
                "You already have this alert: “%(words)s” (alert %(id)s, paused). "
                "Resume or change that one rather than making a second."
            )
        super().__init__(message % {"words": words, "id": rule.pk}, code="duplicate")
        self.rule = rule


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def value_check(condition: str, value) -> float:
    """The level/threshold if it makes sense for the condition, else ValidationError."""
    if isinstance(value, bool):
        raise _error("value", _("Enter a number."))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _error("value", _("Enter a number.")) from None
    if not math.isfinite(number):
        raise _error("value", _("Enter a finite number."))
    if condition in PRICE_CONDITIONS:
        if not 0 < number <= MAX_PRICE:
            raise _error("value", _("A price level must be more than 0 and at most 1e9 $."))
    elif condition == Condition.VOLUME_SPIKE:
        if not 1 <= number <= 1000:
            raise _error("value", _("A spike factor must be between 1 and 1000."))
    elif condition == Condition.LIST_MEMBERS_DOWN_20:
        if number != int(number) or not 1 <= number <= 10_000:
            raise _error("value", _("The number of members must be a whole number from 1."))
    elif condition.startswith("drawdown"):
        if not -1 < number <= 0:
            raise _error("value", _("A drawdown threshold must be between -100 % and 0 %."))
    elif not -1 < number <= 100:  # changes
        raise _error("value", _("A change threshold must be above -100 % (and at most 10,000 %)."))
    return number


# The field naming the subject of each target. Symbols match in any case, as everywhere;
# list slugs exactly, as in the markets pages and API (/lists/<slug>/, ?list=).
SUBJECT_FIELDS = {
    Target.TOKEN: "symbol",
    Target.WATCHLIST: "watchlist_id",
    Target.LIST: "list_slug",
}


def _target_resolve(*, owner, target: str, fields: Mapping) -> dict:
    if target == Target.TOKEN:
        symbol = symbol_lookup_key(fields.get("symbol"))
        if not symbol:
            raise _error("symbol", _("Enter a token symbol."))
        token = (
            Token.objects.filter(symbol=symbol, is_active=True).first()
            if symbol_is_valid(symbol)
            else None
        )
        if token is None:
            raise _error("symbol", _("Unknown token symbol '%(s)s'.") % {"s": symbol})
        return {"token": token, "watchlist": None, "token_list": None}
    if target == Target.WATCHLIST:
        pk = str(fields.get("watchlist_id") or "")
        watchlist = (
            Watchlist.objects.filter(pk=int(pk), owner_id=owner.pk).first()
            if pk.isdigit() and len(pk) < 19
            else None
        )
        if watchlist is None:
            raise _error("watchlist_id", _("Choose one of your watchlists."))
        return {"token": None, "watchlist": watchlist, "token_list": None}
    if target == Target.LIST:
        slug = str(fields.get("list_slug") or "").strip()
        if not slug:
            raise _error("list_slug", _("Choose a curated list."))
        token_list = TokenList.objects.filter(slug=slug, is_public=True).first()
        if token_list is None:
            raise _error("list_slug", _("Unknown list '%(s)s'.") % {"s": slug})
        return {"token": None, "watchlist": None, "token_list": token_list}
    raise _error("target", _("Choose a target: token, watchlist or list."))


def _other_subjects_refuse(*, target: str, fields: Mapping) -> None:
    """A subject given for another target than the rule's is refused, not ignored (a PATCH
    of ``symbol`` on a list alert would otherwise change nothing and say it worked)."""
    messages = {
        "symbol": _("A token symbol is only for target token."),
        "watchlist_id": _("A watchlist is only for target watchlist."),
        "list_slug": _("A curated list is only for target list."),
    }
    for name, message in messages.items():
        if name != SUBJECT_FIELDS.get(target) and fields.get(name) not in (None, ""):
            raise _error(name, message)


T = TypeVar("T")


class _Errors:
    """Collects the ValidationErrors of independent checks, so that one answer names every
    field to correct rather than only the first."""

    def __init__(self) -> None:
        self.by_field: dict[str, list] = {}

    def check(self, step: Callable[[], T], default: T | None = None) -> T | None:
        try:
            return step()
        except ValidationError as exc:
            exc.update_error_dict(self.by_field)
            return default

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _clean(*, owner, fields: Mapping, rule: AlertRule | None = None) -> dict:
    """Checked model values from ``fields`` (the rule's current ones fill what is missing);
    a ValidationError names every field in error."""
    current = _fields_of(rule) if rule else {}
    merged = {**current, **{k: v for k, v in fields.items() if v is not None or k == "expires_at"}}
    errors = _Errors()
    target = merged.get("target") or Target.TOKEN
    cleaned = {"target": target, **errors.check(lambda: _condition_clean(merged, target), {})}
    subject_given = any(
        fields.get(name) not in (None, "") for name in ("target", *SUBJECT_FIELDS.values())
    )
    if rule is not None and not subject_given:
        # The subject is not being changed: keep it as it is, even if staff have since
        # deactivated the token or unpublished the list (pausing must still work).
        cleaned.update(token=rule.token, watchlist=rule.watchlist, token_list=rule.token_list)
    else:
        cleaned.update(
            errors.check(lambda: _target_resolve(owner=owner, target=target, fields=merged), {})
        )
    errors.check(lambda: _other_subjects_refuse(target=target, fields=fields))
    cleaned["frequency"] = errors.check(lambda: _frequency_clean(merged))
    cleaned["cooldown_seconds"] = errors.check(lambda: _cooldown_clean(merged))
    cleaned["expires_at"] = errors.check(lambda: _expiry_clean(merged, fields=fields, rule=rule))
    cleaned["webhook_url"] = errors.check(
        lambda: webhook_url_clean(merged.get("webhook_url") or "")
    )
    errors.raise_any()
    return cleaned


def _condition_clean(merged: Mapping, target: str) -> dict:
    """The condition, then its value (which only makes sense for a known condition)."""
    condition = merged.get("condition")
    if condition not in Condition.values:
        raise _error("condition", _("Choose a known condition."))
    if condition in LIST_CONDITIONS and target != Target.LIST:
        raise _error("target", _("This condition watches a curated list: choose a list."))
    return {"condition": condition, "value": value_check(condition, merged.get("value"))}


def _frequency_clean(merged: Mapping) -> str:
    frequency = merged.get("frequency") or Frequency.ONCE
    if frequency not in Frequency.values:
        raise _error("frequency", _("Choose once, per_refresh or rearm."))
    return frequency


def _cooldown_clean(merged: Mapping) -> int:
    cooldown = merged.get("cooldown_seconds", 6 * 3600)
    if (
        isinstance(cooldown, bool)
        or not isinstance(cooldown, int)
        or not (0 <= cooldown <= MAX_COOLDOWN_SECONDS)
    ):
        raise _error("cooldown_seconds", _("A cooldown is 0 to 365 days, in seconds."))
    return cooldown


def _expiry_clean(merged: Mapping, *, fields: Mapping, rule: AlertRule | None):
    expires_at = merged.get("expires_at")
    if expires_at is not None:
        if not isinstance(expires_at, datetime) or timezone.is_naive(expires_at):
            raise _error("expires_at", _("Enter a date and time with a time zone."))
        # An expiry given now must be ahead; one kept from before may have passed (an
        # expired alert can still be paused or changed without naming its expiry).
        given = rule is None or "expires_at" in fields
        if given and expires_at <= timezone.now():
            raise _error("expires_at", _("The expiry date is in the past."))
    return expires_at


def _fields_of(rule: AlertRule) -> dict:
    return {
        "condition": rule.condition,
        "value": rule.value,
        "target": rule.target,
        "symbol": rule.token.symbol if rule.token_id else None,
        "watchlist_id": rule.watchlist_id,
        "list_slug": rule.token_list.slug if rule.token_list_id else None,
        "frequency": rule.frequency,
        "cooldown_seconds": rule.cooldown_seconds,
        "expires_at": rule.expires_at,
        "webhook_url": rule.webhook_url,
    }


def baseline_take(*, condition: str, token, watchlist, token_list) -> dict:
    """Current prices of the rule's subjects: {"<token id>": [price, as_of epoch]}."""
    if condition in LIST_CONDITIONS:
        return {}
    if token is not None:
        ids = [token.pk]
    elif watchlist is not None:
        ids = WatchlistItem.objects.filter(watchlist=watchlist).values_list("token_id", flat=True)
    else:
        ids = TokenListMembership.objects.filter(token_list=token_list).values_list(
            "token_id", flat=True
        )
    return {
        str(tid): [price, int(as_of.timestamp())]
        for tid, price, as_of in TokenMetrics.objects.filter(token_id__in=ids).values_list(
            "token_id", "price_usd", "as_of"
        )
    }


def _baseline_columns(rule: AlertRule) -> None:
    base = rule.baseline.get(str(rule.token_id)) if rule.token_id else None
    rule.baseline_price = base[0] if base else None
    rule.baseline_as_of = datetime.fromtimestamp(base[1], tz=UTC) if base else None


# What makes two alerts the same: they would say the same words to the same places at the
# same moments. Their expiry only says when they stop; a paused one is still theirs.
IDENTITY = (
    "target",
    "token",
    "watchlist",
    "token_list",
    "condition",
    "value",
    "frequency",
    "cooldown_seconds",
    "webhook_url",
)


def _is_live(rule: AlertRule) -> bool:
    """Not ended (a once-alert that fired) nor expired: paused or not, it may fire again."""
    return rule.ended_at is None and not rule.is_expired


def _duplicate_find(*, owner_id: int, values: Mapping, exclude_pk: int | None) -> AlertRule | None:
    """The owner's other live alert with the same IDENTITY values, if any."""
    return (
        AlertRule.objects.filter(owner_id=owner_id, ended_at__isnull=True)
        .filter(rules_unexpired(timezone.now()))
        .filter(**{name: values[name] for name in IDENTITY})
        .exclude(pk=exclude_pk)
        .select_related("token", "watchlist", "token_list")
        .order_by("created_at", "id")
        .first()
    )


def _duplicate_refuse(*, owner_id: int, values: Mapping, exclude_pk: int | None = None) -> None:
    """AlertDuplicate if the owner has this alert already. Called under the lock on the owner
    (_owner_lock), so that identical requests at the same moment make one alert."""
    found = _duplicate_find(owner_id=owner_id, values=values, exclude_pk=exclude_pk)
    if found is not None:
        raise AlertDuplicate(found)


def _owner_lock(owner_id: int) -> None:
    """Every write that could make a second copy of an alert takes turns per owner."""
    get_user_model().objects.select_for_update().only("pk").get(pk=owner_id)


def _identity_of(rule: AlertRule) -> dict:
    return {name: getattr(rule, name) for name in IDENTITY}


def alert_create(*, owner, is_active: bool = True, **fields) -> AlertRule:
    """A new rule (at most MAX_RULES_PER_USER per user, counted under a lock on the owner);
    created paused with ``is_active=False``. One the owner already has is refused
    (AlertDuplicate)."""
    cleaned = _clean(owner=owner, fields=fields)
    with transaction.atomic():
        _owner_lock(owner.pk)
        _duplicate_refuse(owner_id=owner.pk, values=cleaned)
        if AlertRule.objects.filter(owner_id=owner.pk).count() >= MAX_RULES_PER_USER:
            raise ValidationError(
                _("You have %(n)d alerts, the most allowed: delete one first.")
                % {"n": MAX_RULES_PER_USER}
            )
        rule = AlertRule(
            owner=owner, created_at=timezone.now(), is_active=bool(is_active), **cleaned
        )
        rule.baseline = baseline_take(
            condition=rule.condition,
            token=rule.token,
            watchlist=rule.watchlist,
            token_list=rule.token_list,
        )
        _baseline_columns(rule)
        rule.full_clean(exclude=["owner", "token", "watchlist", "token_list", "webhook_url"])
        rule.save()
    return rule


def alert_update(*, rule: AlertRule, **fields) -> AlertRule:
    """Change a rule; a changed condition, level or target starts from the current values.
    Made into a copy of another live alert of its owner, it is refused (AlertDuplicate)."""
    cleaned = _clean(owner=rule.owner, fields=fields, rule=rule)
    is_active = fields.get("is_active")
    with transaction.atomic():
        _owner_lock(rule.owner_id)
        rule = AlertRule.objects.select_for_update().get(pk=rule.pk)
        before = (rule.condition, rule.value, rule.token_id, rule.watchlist_id, rule.token_list_id)
        for name, value in cleaned.items():
            setattr(rule, name, value)
        after = (rule.condition, rule.value, rule.token_id, rule.watchlist_id, rule.token_list_id)
        if before != after:
            rule.baseline = baseline_take(
                condition=rule.condition,
                token=rule.token,
                watchlist=rule.watchlist,
                token_list=rule.token_list,
            )
            _baseline_columns(rule)
            rule.created_at = timezone.now()
            rule.ended_at = None
            rule.states.all().delete()
        elif rule.ended_at is not None and rule.frequency != Frequency.ONCE:
            # Only a once-rule ends: made per-refresh or re-arm, it is live again (it said
            # "Alert saved" and stayed ended).
            rule.ended_at = None
        if is_active is not None:
            if is_active:  # resumed: live again even if it had ended, as the page's Resume
                rule.ended_at = None
            rule.is_active = bool(is_active)
        if _is_live(rule):
            _duplicate_refuse(owner_id=rule.owner_id, values=_identity_of(rule), exclude_pk=rule.pk)
        rule.save()
    return rule


def alert_pause(*, rule: AlertRule, paused: bool = True) -> AlertRule:
    """Pause, or resume (a resumed once-rule that had ended is live again, unless its owner
    has made the same alert since: AlertDuplicate)."""
    fields = ["is_active"]
    with transaction.atomic():
        if not paused and rule.ended_at is not None:
            _owner_lock(rule.owner_id)
            if not rule.is_expired:
                _duplicate_refuse(
                    owner_id=rule.owner_id, values=_identity_of(rule), exclude_pk=rule.pk
                )
            rule.ended_at = None
            fields.append("ended_at")
        rule.is_active = not paused
        rule.save(update_fields=fields)
    return rule


def alert_delete(*, rule: AlertRule) -> None:
    rule.delete()


def preset_fields(slug: str) -> dict:
    preset = PRESETS.get(slug)
    if preset is None:
        raise _error("preset", _("Unknown preset."))
    return dict(preset["fields"])
