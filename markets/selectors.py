"""Reads used by views, the API and commands; each one a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from markets.models import ListMetrics, Token, TokenList, TokenMetrics

# The public names of token metrics, in display order (DESIGN.md "Token metrics").
TOKEN_METRIC_FIELDS = [
    "as_of", "price_usd", "market_cap_usd", "volume_24h_usd",
    "change_1h", "change_24h", "change_7d", "change_30d",
    "ath_usd", "ath_at", "drawdown_from_ath",
    "high_7d_usd", "low_7d_usd", "high_30d_usd", "low_30d_usd",
    "drawdown_7d", "drawdown_30d", "max_drawdown_30d", "max_drawdown_90d",
    "turnover", "beta_btc_30d", "corr_btc_30d",
]  # fmt: skip
LIST_METRIC_FIELDS = [
    "as_of", "total_market_cap_usd", "cap_change_24h", "cap_change_7d",
    "equal_weight_change_24h", "equal_weight_change_7d",
    "members_count", "members_down_20_from_ath",
]  # fmt: skip


def _jsonable(value):
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def token_metrics_payload(metrics: TokenMetrics | None) -> dict | None:
    if metrics is None:
        return None
    return {name: _jsonable(getattr(metrics, name)) for name in TOKEN_METRIC_FIELDS}


def list_metrics_payload(metrics: ListMetrics | None) -> dict | None:
    if metrics is None:
        return None
    return {name: _jsonable(getattr(metrics, name)) for name in LIST_METRIC_FIELDS}


def token_list_with_metrics(*, symbols: Iterable[str] | None = None) -> QuerySet[Token]:
    """Tokens (the given symbols, else every active one) with their metrics joined in."""
    tokens = Token.objects.select_related("metrics").order_by("symbol")
    if symbols is None:
        return tokens.filter(is_active=True)
    return tokens.filter(symbol__in=[s.upper() for s in symbols])


def token_list_get(*, slug: str) -> TokenList:
    return TokenList.objects.select_related("metrics").get(slug=slug)


def metrics_report(*, symbols: Iterable[str] | None = None, list_slugs: Iterable[str] = ()) -> dict:
    """{"tokens": {SYMBOL: metrics}, "lists": {slug: metrics}}, as ``manage.py metrics`` prints.

    Raises Token.DoesNotExist / TokenList.DoesNotExist naming what is unknown.
    """
    wanted = None if symbols is None else [s.upper() for s in symbols]
    tokens = {}
    for token in token_list_with_metrics(symbols=wanted):
        tokens[token.symbol] = token_metrics_payload(getattr(token, "metrics", None))
    if wanted is not None and (unknown := sorted(set(wanted) - tokens.keys())):
        raise Token.DoesNotExist(f"unknown symbol(s): {', '.join(unknown)}")
    lists = {}
    for slug in list_slugs:
        try:
            token_list = token_list_get(slug=slug)
        except TokenList.DoesNotExist:
            raise TokenList.DoesNotExist(f"unknown list: {slug}") from None
        lists[slug] = list_metrics_payload(getattr(token_list, "metrics", None))
    return {"tokens": tokens, "lists": lists}
