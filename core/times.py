"""Times as people and programs write them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils import formats, timezone, translation


def utc_designator_upper(text: str) -> str:
    """``text`` with a final lower-case ``z`` (UTC, which RFC 3339 allows) made ``Z``:
    Python's ISO 8601 parsers take only the capital."""
    return text[:-1] + "Z" if text.endswith("z") else text


def date_text(value: date) -> str:
    """A date as pages write it, in the active language: "Feb. 6, 2026", "6 février 2026",
    "1er décembre 2026" (French writes the first of a month as an ordinal, which Django's
    date formats cannot say; a date and time is taken in UTC)."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if timezone.is_aware(value) else value
    pattern = formats.get_format("DATE_FORMAT")
    if value.day == 1 and (translation.get_language() or "").startswith("fr"):
        pattern = pattern.replace("j", r"j\e\r", 1)
    return formats.date_format(value, pattern)


def datetime_text(value: datetime) -> str:
    """A date and time as pages write it (logs keep ISO 8601), in the active language:
    "Feb. 6, 2026, 08:00 UTC", "6 février 2026, 08:00 UTC"."""
    value = value.astimezone(UTC) if timezone.is_aware(value) else value
    return f"{date_text(value)}, {value:%H:%M} UTC"
