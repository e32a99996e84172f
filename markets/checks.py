"""System checks on market-data settings that would otherwise fail silently."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from markets.metrics_math import HISTORY_SECONDS

_WINDOW_DAYS = HISTORY_SECONDS // 86_400


@register()
def retention_check(app_configs, **kwargs) -> list[Error]:
    """Retention must keep every metric window raw, and hourly rows at least as long."""
    raw, hourly = settings.RAW_RETENTION_DAYS, settings.HOURLY_RETENTION_DAYS
    errors = []
    if raw <= _WINDOW_DAYS:
        errors.append(
            Error(
                f"RAW_RETENTION_DAYS is {raw}: it must be more than {_WINDOW_DAYS}, the longest "
                "metric window, or metrics would silently read compacted hours.",
                hint="Leave it at the default, 100.",
                id="markets.E001",
            )
        )
    if hourly < raw:
        errors.append(
            Error(
                f"HOURLY_RETENTION_DAYS ({hourly}) must not be below RAW_RETENTION_DAYS ({raw}).",
                hint="Leave it at the default, 730.",
                id="markets.E002",
            )
        )
    return errors


@register()
def interval_check(app_configs, **kwargs) -> list[Error]:
    """A periodic task every 0 s (or less) would make beat send it without pause."""
    errors = []
    for name in ("REFRESH_INTERVAL_SECONDS", "COMPACT_INTERVAL_SECONDS"):
        value = getattr(settings, name)
        if value < 1:
            errors.append(
                Error(
                    f"{name} is {value}: a periodic task needs at least 1 second between runs.",
                    hint="Leave it unset for the default.",
                    id="markets.E003",
                )
            )
    return errors
