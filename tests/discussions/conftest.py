"""Shared set-up of the discussions tests: a token, a list and a way to post comments."""

from __future__ import annotations

import pytest

from discussions import services
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory


@pytest.fixture
def tao(db):
    return TokenFactory(symbol="TAO", name="Bittensor", coingecko_id="bittensor")


@pytest.fixture
def near(db):
    return TokenFactory(symbol="NEAR", name="NEAR Protocol", coingecko_id="near")


@pytest.fixture
def ai_list(db, tao):
    token_list = TokenListFactory(slug="ai-tokens", name="AI tokens", is_featured=True)
    MembershipFactory(token_list=token_list, token=tao, position=0)
    return token_list


@pytest.fixture
def no_rate_limits(settings):
    settings.COMMENT_RATE_PER_MINUTE = 10_000
    settings.COMMENT_RATE_PER_DAY = 10_000
    settings.REPORT_RATE_PER_MINUTE = 10_000
    settings.REPORT_RATE_PER_DAY = 10_000


def comment(author, body="Hello", **target):
    if not target:
        from markets.models import Token

        target = {"token": Token.objects.get(symbol="TAO")}
    return services.comment_create(author=author, body=body, **target)
