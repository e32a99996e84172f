"""The words of a firing, in the owner's language: "BTC crossed down $60,000.00 at $59,850.00"."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from alerts.models import Condition
from core.language import localized
from core.numbers import number_or_none
from core.templatetags.formatting import pct, usd

if TYPE_CHECKING:
    from alerts.models import AlertFiring

logger = logging.getLogger(__name__)

FIRING_MESSAGE = "alerts.firing"  # the notifications' message key of a firing


# Marked for translation here, translated when used: a title written when read asks for its
# one pattern, not all of them.
_PATTERNS = {
    Condition.CROSSING_UP: gettext_noop("%(subject)s crossed up %(level)s at %(value)s"),
    Condition.CROSSING_DOWN: gettext_noop("%(subject)s crossed down %(level)s at %(value)s"),
    Condition.CROSSING: gettext_noop("%(subject)s crossed %(level)s at %(value)s"),
    Condition.GREATER_THAN: gettext_noop("%(subject)s is greater than %(level)s at %(value)s"),
    Condition.LESS_THAN: gettext_noop("%(subject)s is less than %(level)s at %(value)s"),
    Condition.CHANGE_1H_BELOW: gettext_noop("%(subject)s 1 h change below %(level)s: %(value)s"),
    Condition.CHANGE_1H_ABOVE: gettext_noop("%(subject)s 1 h change above %(level)s: %(value)s"),
    Condition.CHANGE_24H_BELOW: gettext_noop("%(subject)s 24 h change below %(level)s: %(value)s"),
    Condition.CHANGE_24H_ABOVE: gettext_noop("%(subject)s 24 h change above %(level)s: %(value)s"),
    Condition.CHANGE_7D_BELOW: gettext_noop("%(subject)s 7 d change below %(level)s: %(value)s"),
    Condition.CHANGE_7D_ABOVE: gettext_noop("%(subject)s 7 d change above %(level)s: %(value)s"),
    Condition.DRAWDOWN_ATH_BELOW: gettext_noop(
        "%(subject)s drawdown from ATH below %(level)s: %(value)s"
    ),
    Condition.DRAWDOWN_7D_BELOW: gettext_noop(
        "%(subject)s drawdown from its 7-day high below %(level)s: %(value)s"
    ),
    Condition.VOLUME_SPIKE: gettext_noop(
        "%(subject)s 24 h volume above %(level)sx its 30-day average: %(value)s"
    ),
    Condition.LIST_CAP_CHANGE_24H_BELOW: gettext_noop(
        "%(subject)s cap change 24 h below %(level)s: %(value)s"
    ),
    Condition.LIST_CAP_CHANGE_7D_BELOW: gettext_noop(
        "%(subject)s cap change 7 d below %(level)s: %(value)s"
    ),
}


def _texts() -> dict[str, str]:
    return {condition: _(pattern) for condition, pattern in _PATTERNS.items()}


def _members_pattern(count: int) -> str:
    return ngettext(
        "%(subject)s: %(value)s member 20 %% below its ATH (alert at %(level)s)",
        "%(subject)s: %(value)s members 20 %% below their ATH (alert at %(level)s)",
        count,
    )


PRICE = {"crossing_up", "crossing_down", "crossing", "greater_than", "less_than"}


def amount_format(condition: str, amount: float) -> str:
    """A level or value as the rule shows it: dollars, percent, factor or count."""
    if condition in PRICE:
        return usd(amount)
    if condition == Condition.VOLUME_SPIKE:  # a factor as written: "1.5", French "1,5"
        return f"{amount:g}".replace(".", get_format("DECIMAL_SEPARATOR"))
    if condition == Condition.LIST_MEMBERS_DOWN_20:
        return str(int(amount))
    return pct(amount)


def firing_texts() -> dict[str, str]:
    """The patterns in the active language (fetch once for many firings)."""
    return _texts()


def firing_text(
    *, condition: str, subject: str, level: float, value: float, patterns: dict | None = None
) -> str:
    value_text = usd(value, "compact") if condition == Condition.VOLUME_SPIKE else None
    if condition == Condition.LIST_MEMBERS_DOWN_20:  # "1 member", "2 members"
        pattern = _members_pattern(int(value))
    else:
        pattern = patterns[condition] if patterns else _(_PATTERNS[condition])
    return pattern % {
        "subject": subject,
        "level": amount_format(condition, level),
        "value": value_text or amount_format(condition, value),
    }


def firing_params(*, condition: str, subject: str, subject_fr: str, level, value) -> dict:
    """What a firing's notification stores to be written again in its reader's language
    (JSON: a figure that is not a finite number is stored as null, shown as a dash)."""
    return {
        "condition": condition,
        "subject": subject,
        "subject_fr": subject_fr,
        "level": number_or_none(level),
        "value": number_or_none(value),
    }


def firing_message(params: dict) -> str:
    """The words of a firing from ``firing_params``, in the active language (the
    notifications' renderer of FIRING_MESSAGE): figures in its format, a list's French name
    for a French reader."""
    return firing_text(
        condition=params["condition"],
        subject=localized(params["subject"], params.get("subject_fr") or ""),
        level=params["level"],
        value=params["value"],
    )


def firing_shown(firing: AlertFiring) -> str:
    """A recorded firing's words in the active language, from its params (no query: a page
    writes fifty); its stored text for a row recorded before params, or params this release
    cannot write from."""
    params = firing.params
    if not params or not isinstance(params, dict):
        return firing.text
    try:
        return firing_message(params)
    except (AttributeError, LookupError, TypeError, ValueError):  # params another release wrote
        logger.warning(
            "Alert firing %s could not be written from its params; stored text shown",
            firing.pk,
            exc_info=True,
        )
        return firing.text


def rule_words(*, condition: str, subject: str, level: float) -> str:
    """ "BTC: price crossing down $60,000.00"; a volume spike puts its factor in the label's
    place ("TAO: 24 h volume above 3x its 30-day average")."""
    level_text = amount_format(condition, level)
    if condition == Condition.VOLUME_SPIKE:
        return _("%(subject)s: 24 h volume above %(level)sx its 30-day average") % {
            "subject": subject,
            "level": level_text,
        }
    return _("%(subject)s: %(condition)s %(level)s") % {
        "subject": subject,
        "condition": Condition(condition).label,
        "level": level_text,
    }


def rule_describe(rule) -> str:
    """A rule's words in the reader's language, naming its subject: a token's symbol, a
    watchlist's name, a curated list's name ("BTC: price crossing down $60,000.00")."""
    if rule.token_id:
        subject = rule.token.symbol
    elif rule.watchlist_id:
        subject = rule.watchlist.name
    else:
        subject = rule.token_list.display_name  # the reader's language
    return rule_words(condition=rule.condition, subject=subject, level=rule.value)
