"""Finding coins to track: a provider's catalogue search, checked and cached.

CoinGecko's ``/search?query=`` answers ``{"coins": [{"id", "name", "symbol",
"market_cap_rank", "thumb", …}], …}``; the demo provider searches the bundled tokens. Results
are cached per provider and query (staff type the same prefixes again and again, and
CoinGecko's free plan counts calls).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from markets.providers.base import ProviderError
from markets.symbols import symbol_is_valid

logger = logging.getLogger(__name__)

MAX_RESULTS = 20
QUERY_MAX_LENGTH = 50
CACHE_SECONDS = 3600
SYMBOL_SHOWN_MAX_LENGTH = 50  # a longer "symbol" is not one: the coin is skipped
_COIN_ID = re.compile(r"[a-z0-9][a-z0-9\-._]{0,99}")  # whole: "$" let a final "\n" by


COIN_ID_RULE = _(
    "Not a CoinGecko coin id: lower-case letters, digits, hyphens, dots or "
    "underscores, as in the coin's CoinGecko address, e.g. bittensor."
)


def coin_id_is_valid(value: object) -> bool:
    """Whether ``value`` is spelt like a CoinGecko coin id (``bittensor``, ``render-token``)."""
    return isinstance(value, str) and _COIN_ID.fullmatch(value) is not None


@dataclass(frozen=True)
class CatalogueEntry:
    coingecko_id: str
    symbol: str  # upper case
    name: str
    market_cap_rank: int | None = None

    @property
    def symbol_usable(self) -> bool:
        """Whether the symbol can be a Token.symbol here (markets.symbols); a coin whose
        symbol cannot is listed, with the reason, but cannot be added."""
        return symbol_is_valid(self.symbol)


def entries_from_coingecko(payload: Any) -> list[CatalogueEntry]:
    """The coins of a ``/search`` answer; malformed rows are skipped, a wrong shape raises."""
    coins = payload.get("coins") if isinstance(payload, dict) else None
    if not isinstance(coins, list):
        raise ProviderError("/search: expected an object with a 'coins' list")
    entries = []
    for coin in coins:
        if not isinstance(coin, dict):
            continue
        coin_id, symbol, name = coin.get("id"), coin.get("symbol"), coin.get("name")
        if not coin_id_is_valid(coin_id):
            continue
        if not _symbol_shown(symbol):
            continue
        if not (isinstance(name, str) and 0 < len(name.strip()) <= 100):
            continue
        rank = coin.get("market_cap_rank")
        rank = rank if isinstance(rank, int) and not isinstance(rank, bool) and rank > 0 else None
        entries.append(CatalogueEntry(coin_id, symbol.strip().upper(), name.strip(), rank))
        if len(entries) == MAX_RESULTS:
            break
    return entries


def _symbol_shown(symbol: object) -> bool:
    """A symbol worth showing, even if it cannot be stored (``USD₮0``): printable, short."""
    if not isinstance(symbol, str):
        return False
    symbol = symbol.strip()
    return 0 < len(symbol) <= SYMBOL_SHOWN_MAX_LENGTH and symbol.isprintable()


def catalogue_search(*, provider, query: str) -> list[CatalogueEntry]:
    """Coins matching ``query`` (name or symbol), at most 20, cached for an hour; a query
    that is empty after trimming finds nothing. ProviderError when the provider fails."""
    query = " ".join(str(query).split())[:QUERY_MAX_LENGTH]
    if not query:
        return []
    search = getattr(provider, "search_catalogue", None)
    if search is None:
        raise ProviderError(f"the {provider.name} provider has no catalogue search")
    key = f"markets:catalogue:{provider.name}:{query.casefold()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    entries = search(query)
    cache.set(key, entries, CACHE_SECONDS)
    return entries
