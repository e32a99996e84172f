"""Limits of the discussions, from the environment (defaults in brackets).

``COMMENT_MAX_LENGTH`` [5000] characters of Markdown; ``COMMENT_RATE_PER_MINUTE`` [5] and
``COMMENT_RATE_PER_DAY`` [100] comments per user (counted from the database, so exact);
``COMMENT_EDIT_MINUTES`` [15]; ``COMMENT_REPORT_THRESHOLD`` [3] reports by different users
with standing (``services.moderation.REPORTER_STANDING_DAYS``) hide a comment pending review;
``COMMENTS_PER_PAGE`` [20] top-level comments a page; ``REPORT_RATE_PER_MINUTE`` [5] and
``REPORT_RATE_PER_DAY`` [50] reports per user (counted from the database, as comments).
A Django setting of the same name wins over the environment (tests use ``settings``).
"""

from __future__ import annotations

import os

from django.conf import settings

DEFAULTS = {
    "COMMENT_MAX_LENGTH": 5000,
    "COMMENT_RATE_PER_MINUTE": 5,
    "COMMENT_RATE_PER_DAY": 100,
    "COMMENT_EDIT_MINUTES": 15,
    "COMMENT_REPORT_THRESHOLD": 3,
    "COMMENTS_PER_PAGE": 20,
    "REPORT_RATE_PER_MINUTE": 5,
    "REPORT_RATE_PER_DAY": 50,
}


def limit(name: str) -> int:
    default = DEFAULTS[name]
    value = getattr(settings, name, None)
    if value is None:
        raw = os.environ.get(name, "")
        value = int(raw) if raw.strip().isdigit() else default
    return max(int(value), 1)
