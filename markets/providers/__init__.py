"""Price sources. ``provider_get`` returns the configured one (``PRICE_PROVIDER``)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import PriceProvider

PROVIDERS = {
    "coingecko": "markets.providers.coingecko.from_settings",
    "demo": "markets.providers.demo.DemoProvider",
}


def provider_get(name: str | None = None) -> PriceProvider:
    """Build a provider by short name, or by dotted path to a zero-argument factory."""
    name = name or settings.PRICE_PROVIDER
    factory = import_string(PROVIDERS.get(name, name))
    return factory()
