"""An option given empty (``--end "$END"`` with END unset) is refused in one line, not taken
for the option's default: seed_demo replaced the demo at the default end, refresh_prices ran
the configured provider and metrics printed the present instead of a replay."""

import io

import pytest
from django.core.management import CommandError, call_command

from markets.models import RefreshRun, Snapshot, Token

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_demo_refuses_an_empty_end_and_seeds_nothing():
    with pytest.raises(CommandError, match="--end '' is not an ISO 8601 date-time"):
        run("seed_demo", "--end", "")

    assert not Token.objects.exists() and not Snapshot.objects.exists()


@pytest.mark.parametrize("value", ["", " "])
def test_refresh_prices_refuses_an_empty_provider_and_refreshes_nothing(settings, tao, value):
    settings.PRICE_PROVIDER = "demo"

    with pytest.raises(CommandError, match="unknown provider") as raised:
        run("refresh_prices", "--provider", value)

    assert "demo" in str(raised.value) and "coingecko" in str(raised.value)
    assert not RefreshRun.objects.exists() and not Snapshot.objects.exists()


@pytest.mark.parametrize("value", ["", " "])
def test_metrics_refuses_an_empty_at_rather_than_printing_the_present(tao, value):
    with pytest.raises(CommandError, match="--at"):
        run("metrics", "--at", value, "--json")
