import pytest

from tests.factories import TokenFactory


@pytest.fixture
def tao(db):
    return TokenFactory(symbol="TAO", name="Bittensor", coingecko_id="bittensor")


@pytest.fixture
def btc(db):
    return TokenFactory(symbol="BTC", name="Bitcoin", coingecko_id="bitcoin", is_benchmark=True)
