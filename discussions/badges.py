"""Comment counts on dashboard rows, list cards and token headers (one query per call)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.translation import ngettext

from discussions.selectors import comment_counts


def _annotate(objects: Sequence, field: str) -> None:
    counts = comment_counts(field=field, ids=[obj.pk for obj in objects])
    for obj in objects:
        n = counts.get(obj.pk, 0)
        if not n:
            continue
        label = ngettext("%(n)d comment", "%(n)d comments", n) % {"n": n}
        badge = format_html(
            '<span class="badge badge--comments" title="{}"><span aria-hidden="true">💬</span> '
            '{}<span class="visually-hidden"> {}</span></span>',
            label, n, label,
        )  # fmt: skip
        if not hasattr(obj, "slot_badges"):
            obj.slot_badges = []
        obj.slot_badges.append(badge)


def tokens_annotate(tokens: Sequence) -> None:
    _annotate(tokens, "token_id")


def lists_annotate(token_lists: Sequence) -> None:
    _annotate(token_lists, "token_list_id")
