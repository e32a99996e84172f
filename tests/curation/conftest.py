import pytest

from markets.models import TokenList, TokenListMembership
from tests.factories import TokenFactory


@pytest.fixture
def ai(db, tao):
    """The `ai` list with TAO, NEAR and ICP, in that order."""
    token_list = TokenList.objects.create(slug="ai", name="AI tokens", name_fr="Tokens IA")
    near = TokenFactory(symbol="NEAR", name="NEAR Protocol", coingecko_id="near")
    icp = TokenFactory(symbol="ICP", name="Internet Computer", coingecko_id="internet-computer")
    for position, token in enumerate([tao, near, icp]):
        TokenListMembership.objects.create(token_list=token_list, token=token, position=position)
    return token_list


def order(token_list) -> list[str]:
    return list(token_list.memberships.order_by("position").values_list("token__symbol", flat=True))
