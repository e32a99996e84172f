"""Positions CSV: export, import (all or nothing, errors by line) and the round trip."""

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import TokenFactory
from tests.watchlists.conftest import lot
from watchlists import services
from watchlists.csv_io import PositionsCsvError
from watchlists.models import Lot, WatchlistItem
from watchlists.selectors import positions_export_csv

HEADER = "symbol,quantity,cost_basis_usd,purchased_at,note\n"


@pytest.fixture
def filled(frozen, alice_list, tao, btc):
    services.watchlist_add_token(
        watchlist=alice_list, symbol="TAO", note="Long term, maybe",
        lots=[lot("2.5", "180.25", "2026-01-15"), lot("1", "150")],
    )  # fmt: skip
    services.watchlist_add_token(watchlist=alice_list, symbol="BTC", note="=1+1")
    return alice_list


def contents(watchlist) -> list:
    items = watchlist.items.select_related("token").prefetch_related("lots")
    return [
        (
            item.token.symbol,
            item.note,
            [(lot.quantity, lot.cost_basis_usd, lot.purchased_at) for lot in item.lots.all()],
        )
        for item in items
    ]


def test_an_export_has_one_row_per_lot_and_one_per_token_without_lots(filled):
    assert positions_export_csv(watchlist=filled) == (
        HEADER + 'TAO,2.5,180.25,2026-01-15,"Long term, maybe"\n'
        'TAO,1,150,,"Long term, maybe"\n'
        "BTC,,,,'=1+1\n"  # a formula is defused for spreadsheets
    )


def test_an_export_imports_back_into_an_empty_list_as_the_same_positions(filled, bob):
    copy = services.watchlist_create(owner=bob, name="Copy")
    result = services.positions_import_csv(
        watchlist=copy, text=positions_export_csv(watchlist=filled)
    )
    assert (result.rows, result.items_created, result.lots_added) == (3, 2, 2)
    assert contents(copy) == contents(filled)
    assert contents(copy)[1] == ("BTC", "=1+1", [])


def test_an_import_adds_lots_creates_items_as_needed_and_sets_non_empty_notes(filled, near):
    text = HEADER + "tao,0.5,200,2026-02-01,\nNEAR,10,3.1,,Staking\n"
    result = services.positions_import_csv(watchlist=filled, text=text)
    assert (result.items_created, result.lots_added) == (1, 2)
    tao, _, near_item = contents(filled)
    assert tao[1] == "Long term, maybe"  # an empty note changes nothing
    assert tao[2][-1] == (Decimal("0.5"), Decimal("200"), date(2026, 2, 1))
    assert len(tao[2]) == 3
    assert near_item == ("NEAR", "Staking", [(Decimal("10"), Decimal("3.1"), None)])


def test_an_import_accepts_a_spreadsheet_bom_and_header_case(frozen, alice_list, tao):
    text = "\ufeffSymbol, Quantity ,COST_BASIS_USD,purchased_at,note\r\nTAO,1,2,,\r\n"
    services.positions_import_csv(watchlist=alice_list, text=text)
    assert contents(alice_list) == [("TAO", "", [(1, 2, None)])]


BAD_FILES = [
    ("", 1, "the file is empty."),
    ("symbol,qty\nTAO,1\n", 1,
     "the header must be symbol,quantity,cost_basis_usd,purchased_at,note."),
    (HEADER, 2, "the file has a header but no rows."),
    (HEADER + "TAO,1,2,,\nXYZ,1,2,,\n", 3, "unknown token symbol 'XYZ'."),
    (HEADER + "TAO,0,2,,\n", 2, "quantity: The quantity must be greater than 0."),
    (HEADER + "TAO,-1,2,,\n", 2, "quantity: The quantity must be greater than 0."),
    (HEADER + "TAO,1e13,2,,\n", 2, "quantity: The quantity must be at most 1,000,000,000,000."),
    (HEADER + "TAO,lots,2,,\n", 2, "quantity: 'lots' is not a number."),
    (HEADER + 'TAO,"1,5",2,,\n', 2,
     "quantity: '1,5' is not a number: write the decimals after a point (1.5), as the export "
     "does."),
    (HEADER + 'TAO,1,"80,25",,\n', 2,
     "cost_basis_usd: '80,25' is not a number: write the decimals after a point (80.25), as "
     "the export does."),
    # "1,000": a thousand where the comma groups thousands (an English spreadsheet), one with
    # three decimals where it is a decimal comma. The hint must not turn it into 1.000.
    (HEADER + 'TAO,"1,000",2,,\n', 2,
     "quantity: '1,000' is not a number: write 1000 if the comma separates thousands, or 1.000 "
     "if it marks decimals, as the export does."),
    (HEADER + 'TAO,"1,000,000.5",2,,\n', 2,
     "quantity: '1,000,000.5' is not a number: write it without thousands separators "
     "(1000000.5), as the export does."),
    (HEADER + "TAO,1,,,\n", 2, "cost_basis_usd: Enter a cost per unit."),
    (HEADER + "TAO,,5,,\n", 2, "quantity: Enter a quantity."),
    (HEADER + "TAO,1,2000000000,,\n", 2,
     "cost_basis_usd: The cost per unit must be at most 1,000,000,000."),
    (HEADER + "TAO,1,2,06/02/2026,\n", 2, "purchased_at: '06/02/2026' is not a date (YYYY-MM-DD)."),
    (HEADER + "TAO,1,2,2026-03-01,\n", 2, "purchased_at: The purchase date is in the future."),
    (HEADER + "TAO,,,2026-01-01,\n", 2,
     "purchased_at: A purchase date needs a quantity and a cost basis."),
    (HEADER + "TAO,1,2,,\nTAO,1,2\n", 3, "expected 5 columns, found 3."),
    (HEADER + "TAO,1,2,," + "n" * 501 + "\n", 2, "note: At most 500 characters (it has 501)."),
    (HEADER + ",1,2,,\n", 2, "symbol: Enter a token symbol."),
    (HEADER + "TAO,1,2,,first\nTAO,1,2,,second\n", 3,
     "note for TAO differs from the one on line 2."),
    (HEADER + 'TAO,1,2,,"two\nlines"\nXYZ,1,2,,\n', 4, "unknown token symbol 'XYZ'."),
    (HEADER + "TAO,1,2,,a\x00b\n", 2, "note: Null characters are not allowed."),
    (HEADER + "TAO,1,2,,\x00\n", 2, "note: Null characters are not allowed."),
    (HEADER + "TAO,1,2,,ring\x07\n", 2, "note: Control characters are not allowed (U+0007)."),
    (HEADER + "TAO,1,2,,a\x1b[31mred\n", 2,
     "note: Control characters are not allowed (U+001B)."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "reason"), BAD_FILES)
def test_a_bad_line_fails_the_whole_import_with_its_number_and_saves_nothing(
    filled, near, text, line, reason
):
    before = contents(filled)
    with pytest.raises(PositionsCsvError) as caught:
        services.positions_import_csv(watchlist=filled, text=text)
    assert (caught.value.line, caught.value.reason) == (line, reason)
    assert caught.value.message_dict == {"file": [f"Line {line}: {reason}"]}
    assert contents(filled) == before


def test_every_text_cell_a_spreadsheet_would_run_is_escaped_and_imports_back(
    frozen, alice_list, bob
):
    # A symbol starts with a letter or digit (markets.symbols): only notes can look like formulas.
    for symbol in ("F1", "F2", "F3", "F4"):
        TokenFactory(symbol=symbol)
    services.watchlist_add_token(watchlist=alice_list, symbol="F1", note="=1+2",
                                 lots=[lot("1", "2")])  # fmt: skip
    services.watchlist_add_token(watchlist=alice_list, symbol="F2", note="'=not a formula")
    services.watchlist_add_token(watchlist=alice_list, symbol="F3", note="''+1")
    services.watchlist_add_token(watchlist=alice_list, symbol="F4", note="'plain\ttab\nline")

    exported = positions_export_csv(watchlist=alice_list)

    assert exported == (
        HEADER + "F1,1,2,,'=1+2\n"
        "F2,,,,''=not a formula\n"
        "F3,,,,'''+1\n"
        "F4,,,,\"'plain\ttab\nline\"\n"
    )  # fmt: skip
    copy = services.watchlist_create(owner=bob, name="Copy")
    services.positions_import_csv(watchlist=copy, text=exported)
    assert contents(copy) == contents(alice_list)
    assert positions_export_csv(watchlist=copy) == exported


def test_a_deactivated_token_cannot_be_imported_into_a_list_without_it(filled):
    TokenFactory(symbol="OLD", is_active=False)
    text = HEADER + "TAO,1,1,,\nOLD,1,1,,\n"

    with pytest.raises(PositionsCsvError) as caught:
        services.positions_import_csv(watchlist=filled, text=text)

    assert caught.value.message_dict == {"file": ["Line 3: unknown token symbol 'OLD'."]}
    assert [symbol for symbol, _, _ in contents(filled)] == ["TAO", "BTC"]
    assert Lot.objects.count() == 2


def test_a_token_deactivated_after_it_was_added_imports_into_its_list_but_no_other(
    filled, bob, tao
):
    tao.is_active = False
    tao.save()
    exported = positions_export_csv(watchlist=filled)

    result = services.positions_import_csv(watchlist=filled, text=exported)

    assert (result.items_created, result.lots_added) == (0, 2)
    empty = services.watchlist_create(owner=bob, name="Empty")
    with pytest.raises(PositionsCsvError, match="Line 2: unknown token symbol 'TAO'"):
        services.positions_import_csv(watchlist=empty, text=exported)


def test_a_failure_late_in_the_file_undoes_the_rows_before_it(filled, near):
    text = HEADER + "NEAR,1,1,,new item\nTAO,1,1,,\nNOPE,1,1,,\n"
    with pytest.raises(PositionsCsvError, match="Line 4: unknown token symbol 'NOPE'"):
        services.positions_import_csv(watchlist=filled, text=text)
    assert WatchlistItem.objects.count() == 2 and Lot.objects.count() == 2


def test_an_import_cannot_take_a_list_past_its_token_limit(filled, near, icp, monkeypatch):
    monkeypatch.setattr(services, "MAX_ITEMS_PER_WATCHLIST", 3)
    text = HEADER + "TAO,1,1,,\nNEAR,1,1,,\nICP,1,1,,\n"
    with pytest.raises(PositionsCsvError) as caught:
        services.positions_import_csv(watchlist=filled, text=text)
    assert caught.value.line == 4
    assert caught.value.reason == "the watchlist would have more than 3 tokens."
    assert WatchlistItem.objects.count() == 2
