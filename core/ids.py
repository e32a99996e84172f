"""Ids read from URLs and request bodies."""

from __future__ import annotations

from django.http import Http404

_BIGINT_MAX = 2**63 - 1


def id_from_url(value, *, missing: str = "") -> int:
    """A database id written as ASCII digits, within PostgreSQL's bigint; anything else is
    the same 404 as an unknown id (``missing`` its message). ``int()`` alone also takes
    "٣", "+3", " 3" or "0_3": one object under several addresses."""
    text = str(value)
    if isinstance(value, bool) or not (text.isascii() and text.isdigit() and len(text) < 20):
        raise Http404(missing)
    number = int(text)
    if not 0 < number <= _BIGINT_MAX:
        raise Http404(missing)
    return number
