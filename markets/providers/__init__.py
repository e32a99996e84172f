"""Price sources. ``provider_get`` returns the configured one (``PRICE_PROVIDER``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

from .base import PriceProvider

PROVIDERS = {
    "coingecko": "markets.providers.coingecko.from_settings",
    "demo": "markets.providers.demo.DemoProvider",
}


class UnknownProvider(ValueError):
    """``PRICE_PROVIDER`` (or ``--provider``) names no provider: the message says which."""


def provider_factory(name: str) -> Callable[[], PriceProvider]:
    """The factory of a provider given by short name, or by dotted path to a factory."""
    choices = ", ".join(PROVIDERS)
    if name not in PROVIDERS and "." not in name:
        raise UnknownProvider(
            f"unknown provider {name!r}: expected one of {choices} "
            "(or the dotted path of a provider factory)"
        )
    try:
        return import_string(PROVIDERS.get(name, name))
    except ImportError as exc:
        raise UnknownProvider(f"unknown provider {name!r} (not {choices}): {exc}") from None


def provider_get(name: str | None = None) -> PriceProvider:
    """Build a provider by short name, or by dotted path to a zero-argument factory."""
    return provider_factory(name or settings.PRICE_PROVIDER)()
