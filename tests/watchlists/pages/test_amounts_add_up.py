"""The money a watchlist page shows adds up as shown: each P&L is its value less its cost, a
position's cost the sum of its lots' costs, and each total the sum of the rows above it, to
the cent (each amount is rounded once, then summed)."""

import pytest

from tests.markets.pages.html import find, find_all, squash
from tests.watchlists.conftest import at, lot, prices
from tests.watchlists.pages.conftest import FRENCH
from watchlists import services

MINUS = "\u2212"


@pytest.fixture
def halves(frozen, alice_list, tao, near, icp):
    """Amounts that fall on half a cent: TAO 0.505 x 99 $ = 49.995 $ (cost 50.50 $), NEAR
    10.005 x 1 $ = 10.005 $ (cost 10.005 $), ICP unpriced with two lots of 10.005 $."""
    prices(tao, [(at("2026-02-06T12:00"), 99.0)])
    prices(near, [(at("2026-02-06T12:00"), 1.0)])
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO", lots=[lot("0.505", "100")])
    services.watchlist_add_token(watchlist=alice_list, symbol="NEAR", lots=[lot("10.005", "1")])
    services.watchlist_add_token(
        watchlist=alice_list, symbol="ICP", lots=[lot("1", "10.005"), lot("1", "10.005")]
    )
    return alice_list


def rows(content) -> dict[str, str]:
    found = find_all(content, tag="tr", data_symbol=True)
    return {row.attrs["data-symbol"]: squash(row.text) for row in found}


def test_the_totals_are_the_sums_of_the_rows_as_shown(alice_client, halves):
    """The total value said 60,00 $ under rows of 50,00 $ and 10,01 $."""
    content = alice_client.get(f"/watchlists/{halves.pk}/", headers=FRENCH).content
    shown = rows(content)
    totals = squash(find(content, id="totals-row").text)

    assert f"50,00 $ 50,50 $ {MINUS}0,5000 $" in shown["TAO"], shown["TAO"]
    assert "10,01 $ 10,01 $ 0,00 $" in shown["NEAR"], shown["NEAR"]
    assert "20,02 $" in shown["ICP"], shown["ICP"]
    assert totals.startswith(f"Total 60,01 $ 80,53 $ {MINUS}0,5000 $"), totals


def test_a_positions_cost_is_the_sum_of_its_lots_as_shown(alice_client, halves):
    content = alice_client.get(f"/watchlists/{halves.pk}/items/ICP/", headers=FRENCH).content
    lots = [squash(row.text) for row in find_all(content, tag="tr", data_lot=True)]
    figures = squash(find(content, id="position").text)

    assert all("10,005 $ 10,01 $" in row for row in lots), lots
    assert "Coût20,02 $" in figures, figures


def test_the_value_is_never_shown_above_its_peak(alice_client, halves):
    """After the totals became the sums of the rows, a list at its peak read "Valeur : 0,00 %
    depuis son maximum de 60,00 $" under a value of 60,01 $."""
    content = alice_client.get(f"/watchlists/{halves.pk}/", headers=FRENCH).content
    totals = squash(find(content, id="totals").text)

    assert "60,01 $" in totals and "maximum de 60,01 $" in totals, totals
