"""AI equities: the curated ``ai-equities`` list and their daily closes from Stooq.

Closes go through the same ingest and metrics path as crypto quotes (source "stooq", one
snapshot per trading day at 21:00 UTC), so pages and the API treat an equity like any token.
The market cap of the curated names is estimated from their shares outstanding.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from markets.models import RefreshRun, Token, TokenList, TokenListMembership
from markets.providers.base import ProviderError, ProviderResult, TransientProviderError
from markets.providers.stooq import StooqProvider
from markets.services.ingest import snapshot_ingest
from markets.services.locks import market_data_lease
from markets.services.metrics import derived_refresh
from markets.services.refresh import run_failed_on_error, run_finish_from, token_refs
from markets.symbols import symbol_lookup_key

logger = logging.getLogger(__name__)

AI_EQUITIES_SLUG = "ai-equities"
MAX_BACKFILL_DAYS = 36_500  # Stooq's CSV goes back decades


@dataclass(frozen=True)
class EquitySpec:
    symbol: str
    name: str
    name_fr: str
    stooq_symbol: str
    shares_outstanding: float  # approximate, early 2026: cap = close x shares


# The chip makers the article names, and the Big Tech names whose AI capex it blames.
AI_EQUITIES = [
    EquitySpec("MSFT", "Microsoft", "Microsoft", "msft.us", 7.43e9),
    EquitySpec("NVDA", "Nvidia", "Nvidia", "nvda.us", 24.3e9),
    EquitySpec("AMD", "Advanced Micro Devices", "AMD", "amd.us", 1.62e9),
    EquitySpec("GOOGL", "Alphabet", "Alphabet (Google)", "googl.us", 12.1e9),  # all classes
    EquitySpec("AMZN", "Amazon", "Amazon", "amzn.us", 10.7e9),
    EquitySpec("META", "Meta Platforms", "Meta", "meta.us", 2.52e9),
]
# Stooq gives no market cap: for these names it is estimated as close x shares outstanding
# (share counts move by about 1 % a year); an equity staff add without one has none.
SHARES_OUTSTANDING = {spec.symbol: spec.shares_outstanding for spec in AI_EQUITIES}
LIST_TEXT = {
    "name": "AI equities",
    "name_fr": "Actions de l\u2019IA",
    "description": "Chip makers and Big Tech names whose AI capital spending (up to "
    "$500B in 2026) weighed on AI tokens in February 2026. Daily closes, weekdays only.",
    "description_fr": "Fabricants de puces et géants de la tech dont les dépenses "
    "d\u2019investissement dans l\u2019IA (jusqu\u2019à 500 milliards de dollars en 2026) "
    "ont pesé sur les tokens IA en février 2026. Cours de clôture quotidiens, jours ouvrés "
    "seulement.",
}


def ai_equities_setup() -> TokenList:
    """Create what is missing of the ``ai-equities`` list; never undo staff curation.

    Missing tokens are created as equities; an existing token of the same symbol becomes an
    equity and gets a Stooq ticker if it had none. The members are added only when the list
    itself is created: afterwards staff choose them.
    """
    with transaction.atomic():
        tokens = [_equity_upsert(spec) for spec in AI_EQUITIES]
        token_list, created = TokenList.objects.get_or_create(
            slug=AI_EQUITIES_SLUG, defaults=LIST_TEXT
        )
        if created:
            TokenListMembership.objects.bulk_create(
                TokenListMembership(token_list=token_list, token=token, position=position)
                for position, token in enumerate(tokens)
            )
    return token_list


def _equity_upsert(spec: EquitySpec) -> Token:
    token, created = Token.objects.get_or_create(
        symbol=spec.symbol,
        defaults={"name": spec.name, "name_fr": spec.name_fr, "stooq_symbol": spec.stooq_symbol,
                  "asset_class": Token.AssetClass.EQUITY},
    )  # fmt: skip
    if not created and (token.asset_class != Token.AssetClass.EQUITY or not token.stooq_symbol):
        token.asset_class = Token.AssetClass.EQUITY
        token.stooq_symbol = token.stooq_symbol or spec.stooq_symbol
        token.save(update_fields=["asset_class", "stooq_symbol"])
    return token


def _equities(symbols: list[str] | None = None):
    tokens = Token.objects.filter(is_active=True, asset_class=Token.AssetClass.EQUITY)
    tokens = tokens.exclude(stooq_symbol="").order_by("symbol")
    return tokens.filter(symbol__in=[symbol_lookup_key(s) for s in symbols]) if symbols else tokens


def _equities_named_check(symbols: list[str]) -> None:
    """Each symbol names an active equity with a Stooq ticker: a typo or a crypto token gave a
    backfill of nothing, reported "ok"."""
    wanted = [symbol_lookup_key(s) for s in symbols]
    found = set(_equities(symbols).values_list("symbol", flat=True))
    for symbol in wanted:
        if symbol in found:
            continue
        if Token.objects.filter(symbol=symbol, asset_class=Token.AssetClass.CRYPTO).exists():
            raise ValueError(f"{symbol} is not an equity: use backfill {symbol}")
        raise ValueError(
            f"unknown equity {symbol} (an active token of class equity with a Stooq symbol)"
        )


def equities_refresh(*, provider: StooqProvider | None = None) -> RefreshRun:
    """The last two weeks of closes of every active equity; stored, then metrics recomputed.

    Raises TransientProviderError (after recording the run) when nothing came back for a
    transient reason, so a caller can try again later.
    """
    return _equities_run(provider, kind=RefreshRun.Kind.REFRESH, fetch=_latest)


def equities_backfill(
    *, days: int, symbols: list[str] | None = None, provider: StooqProvider | None = None
) -> RefreshRun:
    """``days`` of daily closes for the active equities (all, or ``symbols``)."""
    if not 1 <= days <= MAX_BACKFILL_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_BACKFILL_DAYS}")
    if symbols:
        _equities_named_check(symbols)

    def fetch(used: StooqProvider, refs) -> ProviderResult:
        end = int(timezone.now().timestamp())
        result = ProviderResult()
        for ref in refs:  # one CSV per ticker: Stooq has no batch endpoint
            try:
                result.merge(used.fetch_history(ref, start=end - days * 86_400, end=end))
            except ProviderError as exc:
                result.errors.append(f"{ref.symbol}: {exc}")
                result.transient = result.transient or isinstance(exc, TransientProviderError)
        return result

    return _equities_run(provider, kind=RefreshRun.Kind.BACKFILL, fetch=fetch, symbols=symbols)


def _caps_estimate(result: ProviderResult, refs) -> None:
    shares = {ref.id: SHARES_OUTSTANDING.get(ref.symbol) for ref in refs}
    result.quotes = [
        replace(q, market_cap_usd=q.price_usd * n) if (n := shares.get(q.token_id)) else q
        for q in result.quotes
    ]


def _latest(used: StooqProvider, refs) -> ProviderResult:
    return used.fetch_latest(refs)


def _equities_run(provider, *, kind: str, fetch, symbols: list[str] | None = None) -> RefreshRun:
    used = provider or StooqProvider.from_settings()
    try:
        with market_data_lease(purpose=f"equities {kind}"):
            return _equities_store(used, kind=kind, fetch=fetch, symbols=symbols)
    finally:
        if provider is None:
            used.close()


def _equities_store(used: StooqProvider, *, kind: str, fetch, symbols) -> RefreshRun:
    refs = token_refs(_equities(symbols))
    run = RefreshRun.objects.create(
        provider=used.name, kind=kind, started_at=timezone.now(), tokens_requested=len(refs)
    )
    result = fetch(used, refs)
    _caps_estimate(result, refs)
    with run_failed_on_error(run):
        ingested = snapshot_ingest(quotes=result.quotes, source=used.name)
        run.quotes_stored = ingested.stored
        run.quotes_rejected = result.rejected + ingested.rejected
        derived_refresh(ingested=ingested)
    status = run_finish_from(run, result)
    logger.info("equities %s: %s, %d stored", kind, status, run.quotes_stored)
    if status == RefreshRun.Status.FAILED and result.transient:
        raise TransientProviderError(run.error)
    return run
