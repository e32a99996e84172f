"""Times as people and programs write them."""

from __future__ import annotations


def utc_designator_upper(text: str) -> str:
    """``text`` with a final lower-case ``z`` (UTC, which RFC 3339 allows) made ``Z``:
    Python's ISO 8601 parsers take only the capital."""
    return text[:-1] + "Z" if text.endswith("z") else text
