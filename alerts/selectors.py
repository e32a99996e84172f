"""Reads of a user's alert rules and firings; every lookup is scoped to its owner."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from alerts.models import AlertFiring, AlertRule
from core.ids import id_from_url


def _pk(value) -> int:
    return id_from_url(value, missing=_("No such alert."))


def alert_list_for_user(*, user) -> QuerySet[AlertRule]:
    return (
        AlertRule.objects.filter(owner_id=user.pk)
        .select_related("token", "watchlist", "token_list")
        .order_by("-created_at", "-id")
    )


def alert_get_for_user(*, user, pk) -> AlertRule:
    """The user's own rule; Http404 for anyone else's (staff too) or a missing one."""
    pk = _pk(pk)
    if not getattr(user, "is_authenticated", False):
        raise Http404(_("No such alert."))
    try:
        return alert_list_for_user(user=user).get(pk=pk)
    except AlertRule.DoesNotExist:
        raise Http404(_("No alert %(id)s.") % {"id": pk}) from None


def firings_for_rule(*, rule: AlertRule) -> QuerySet[AlertFiring]:
    return AlertFiring.objects.filter(rule=rule).order_by("-fired_at", "-id")


def firings_recent_for_user(*, user, limit: int = 20) -> list[AlertFiring]:
    return list(
        AlertFiring.objects.filter(rule__owner_id=user.pk).order_by("-fired_at", "-id")[:limit]
    )
