"""Reads of the curation page: every list (published or not) with its members, the recent
changes and the tokens being added. A fixed number of queries whatever the sizes."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from core.paging import page_number
from curation.models import CurationChange, TokenAddJob
from markets.models import Token, TokenList, TokenListMembership
from markets.symbols import symbol_is_valid, symbol_lookup_key

CHANGES_PER_PAGE = 20


def curated_lists() -> QuerySet[TokenList]:
    members = TokenListMembership.objects.select_related("token").order_by("position", "id")
    return TokenList.objects.order_by("-is_featured", "name").prefetch_related(
        Prefetch("memberships", queryset=members)
    )


def curated_list_get(*, slug: str) -> TokenList:
    """TokenList.DoesNotExist for an unknown slug."""
    return curated_lists().get(slug=str(slug)[:50])


def changes_page(*, number: object) -> Page:
    changes = CurationChange.objects.select_related("actor", "token_list", "token")
    return Paginator(changes, CHANGES_PER_PAGE).get_page(page_number(number))


def jobs_recent(*, limit: int = 10) -> list[TokenAddJob]:
    return list(TokenAddJob.objects.select_related("token", "token_list", "run")[:limit])


def job_get(*, pk: object) -> TokenAddJob:
    """TokenAddJob.DoesNotExist for an unknown or malformed id."""
    if not str(pk).isdigit():
        raise TokenAddJob.DoesNotExist
    return TokenAddJob.objects.select_related("token", "token_list", "run").get(pk=int(str(pk)))


def token_by_symbol(*, symbol: str) -> Token:
    symbol = symbol_lookup_key(symbol)[:20]
    if not symbol_is_valid(symbol):  # no token has it (a NUL would even fail the query)
        raise Token.DoesNotExist
    return Token.objects.get(symbol=symbol)


def member_get(*, token_list: TokenList, symbol: str) -> TokenListMembership | None:
    """The list's member with this symbol (typed in any case), with its token; None if the
    token is not in the list."""
    symbol = symbol_lookup_key(symbol)[:20]
    if not symbol_is_valid(symbol):
        return None
    members = TokenListMembership.objects.select_related("token")
    return members.filter(token_list=token_list, token__symbol=symbol).first()


def featured_list() -> TokenList | None:
    """The dashboard's list, if any."""
    return TokenList.objects.filter(is_featured=True).first()
