"""System checks on market-data settings that would otherwise fail silently."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register

from markets.metrics_math import HISTORY_SECONDS
from markets.providers import UnknownProvider, provider_factory
from markets.providers.coingecko import BASE_URLS, BATCH_SIZE

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


@register()
def provider_check(app_configs, **kwargs) -> list[Error]:
    """A misspelt provider or plan would let the site start and every refresh fail."""
    errors = []
    try:
        provider_factory(settings.PRICE_PROVIDER)
    except UnknownProvider as exc:
        errors.append(
            Error(f"PRICE_PROVIDER: {exc}.", hint="demo (offline) or coingecko.", id="markets.E004")
        )
    plan = settings.COINGECKO_API_PLAN
    if plan not in BASE_URLS:
        errors.append(
            Error(
                f"COINGECKO_API_PLAN is {plan!r}: expected {' or '.join(map(repr, BASE_URLS))}.",
                hint="demo for a free key (api.coingecko.com), pro for a paid one.",
                id="markets.E005",
            )
        )
    return errors


@register()
def replay_limit_check(app_configs, **kwargs) -> list[Error]:
    """0 does not switch the limit off: every replayed page would be a 429, retried forever."""
    value = settings.REPLAY_CONCURRENCY_PER_CLIENT
    if value >= 1:
        return []
    return [
        Error(
            f"REPLAY_CONCURRENCY_PER_CLIENT is {value}: every replayed page (?at=) would be "
            "refused with a 429; it needs at least 1.",
            hint="Leave it unset for the default, 2.",
            id="markets.E006",
        )
    ]


@register()
def batch_size_check(app_configs, **kwargs) -> list[Warning]:
    """A fanned-out batch bigger than CoinGecko's page is fetched as several pages: one that
    fails transiently while the others answer is not retried (the batch got quotes)."""
    size = settings.REFRESH_BATCH_SIZE
    if settings.PRICE_PROVIDER != "coingecko" or size <= BATCH_SIZE:
        return []
    return [
        Warning(
            f"REFRESH_BATCH_SIZE is {size}, above CoinGecko's page of {BATCH_SIZE} ids: a page "
            "that fails for a transient reason while the batch's other pages answer is not "
            "retried, and its tokens wait for the next refresh.",
            hint=f"Leave it unset for the default, {BATCH_SIZE}, or set it lower.",
            id="markets.W001",
        )
    ]
