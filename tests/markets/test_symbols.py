"""A token symbol is what /tokens/<symbol>/ routes: the rule, its database constraint, the
admin form and the provider catalogue all agree (markets.symbols)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from markets.models import Token
from markets.providers.catalogue import entries_from_coingecko
from markets.symbols import symbol_is_valid, symbol_lookup_key

UNROUTABLE = ["A/B", "A B", "..", "USD₮0", "B@D", "-X", "tao", "ABC\n", "X" * 21]
ROUTABLE = ["TAO", "BTC", "RENDER", "1INCH", "USD.E", "A-B", "X" * 20]
TOKEN_ADD = reverse("admin:markets_token_add")


@pytest.mark.parametrize("symbol", ROUTABLE)
def test_it_accepts_the_symbols_the_urls_route(symbol):
    assert symbol_is_valid(symbol)
    assert reverse("markets:token-detail", args=[symbol])


@pytest.mark.parametrize("symbol", UNROUTABLE)
def test_it_rejects_symbols_the_urls_cannot_route(symbol):
    assert not symbol_is_valid(symbol)


@pytest.mark.django_db
@pytest.mark.parametrize("symbol", ["A/B", "A B", "..", "USD₮0", "B@D", "-X"])
def test_the_database_refuses_an_unroutable_symbol(symbol):
    with pytest.raises(IntegrityError), transaction.atomic():
        Token.objects.create(symbol=symbol, name="Bad")
    assert not Token.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("symbol", ["A/B", "A B", "..", "USD₮0"])
def test_the_admin_refuses_an_unroutable_symbol_with_a_form_error(admin_client, symbol):
    data = {"symbol": symbol, "name": "Bad", "asset_class": "crypto", "is_active": "on"}
    response = admin_client.post(TOKEN_ADD, data)
    assert response.status_code == 200  # the form again, with the error
    assert "cannot be a token symbol" in response.content.decode()
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_the_admin_stores_a_symbol_typed_in_lower_case_in_upper_case(admin_client):
    data = {"symbol": " tao ", "name": "Bittensor", "asset_class": "crypto", "is_active": "on"}
    assert admin_client.post(TOKEN_ADD, data).status_code == 302
    assert list(Token.objects.values_list("symbol", flat=True)) == ["TAO"]


def test_a_coin_whose_symbol_cannot_be_stored_is_listed_but_marked_unusable():
    entries = entries_from_coingecko({"coins": [
        {"id": "usdt0", "symbol": "usd₮0", "name": "USDT0"},
        {"id": "dots", "symbol": "..", "name": "Dots"},
        {"id": "bittensor", "symbol": "tao", "name": "Bittensor"},
    ]})  # fmt: skip
    assert [(e.symbol, e.symbol_usable) for e in entries] == [
        ("USD₮0", False), ("..", False), ("TAO", True),
    ]  # fmt: skip


@pytest.mark.parametrize("typed", ["\u0131cp", "\u017fol", " \u0131cp "])
def test_a_look_alike_symbol_is_not_upper_cased_into_a_real_one(typed):
    assert symbol_lookup_key(typed) == typed.strip()
    assert symbol_lookup_key(typed) not in {"ICP", "SOL"}


def test_an_ascii_symbol_is_trimmed_and_upper_cased():
    assert symbol_lookup_key(" tao ") == "TAO"
    assert symbol_lookup_key(None) == ""
