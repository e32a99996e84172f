"""The "Equity" badge on token rows and headers (no query: the asset class is loaded)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.translation import gettext

from markets.models import Token


def tokens_annotate(tokens: Sequence) -> None:
    equities = [t for t in tokens if getattr(t, "asset_class", "") == Token.AssetClass.EQUITY]
    if not equities:
        return
    badge = format_html(
        '<span class="badge badge--equity" title="{}">{}</span>',
        gettext("A listed company's share: daily closes, on weekdays only."),
        gettext("Equity"),
    )
    for token in equities:
        if not hasattr(token, "slot_badges"):
            token.slot_badges = []
        token.slot_badges.append(badge)
