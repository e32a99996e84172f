"""Template helpers of the watchlist pages and of the "Add to watchlist" include.

``{% user_watchlists as lists %}``: the signed-in user's watchlists (id and name, in their
order), read once per request however many times a page uses it (a dashboard row each).
``{{ quantity|qty }}``: a token quantity with all its significant decimals, in the active
language. ``{{ amount|signed_usd }}``: dollars with a "+" for gains.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from core.templatetags.formatting import MISSING, usd
from watchlists.csv_io import decimal_text
from watchlists.models import Watchlist

register = template.Library()

_REQUEST_CACHE = "_watchlists_of_user"


@register.simple_tag(takes_context=True)
def user_watchlists(context) -> list[Watchlist]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return []
    lists = getattr(request, _REQUEST_CACHE, None)
    if lists is None:
        lists = list(
            Watchlist.objects.filter(owner_id=user.pk)
            .only("id", "name", "position")
            .order_by("position", "id")
        )
        setattr(request, _REQUEST_CACHE, lists)
    return lists


@register.filter
def qty(value) -> str:
    """A Decimal quantity without trailing zeros: Decimal("1500.250") -> "1,500.25"."""
    if value is None or value == "":
        return MISSING
    try:
        number = Decimal(decimal_text(Decimal(value)))
    except (InvalidOperation, TypeError, ValueError):
        return MISSING
    return number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def signed_usd(value) -> str:
    """Dollars with their sign: "+$12.00", "-$3.50" (with a real minus sign), "$0.00"."""
    text = usd(value)
    try:
        positive = value is not None and float(value) > 0
    except (TypeError, ValueError):
        positive = False
    shown = any(digit in text for digit in "123456789")  # "+$0.000012", never "+$0.00"
    return f"+{text}" if positive and shown else text
