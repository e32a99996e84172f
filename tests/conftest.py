import pytest
from rest_framework.test import APIClient

from tests.factories import TokenFactory


@pytest.fixture
def tao(db):
    return TokenFactory(symbol="TAO", name="Bittensor", coingecko_id="bittensor")


@pytest.fixture
def btc(db):
    return TokenFactory(symbol="BTC", name="Bitcoin", coingecko_id="bitcoin", is_benchmark=True)


@pytest.fixture
def api_client():
    """A DRF test client (anonymous until you authenticate it)."""
    return APIClient()
