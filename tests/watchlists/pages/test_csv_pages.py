"""Export a list as a positions CSV, and import one: whole, or not at all with its bad line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import TokenFactory
from tests.markets.pages.html import find, squash
from tests.watchlists.pages.conftest import FRENCH, snapshot
from watchlists import services
from watchlists.models import Lot, WatchlistItem

HEADER = "symbol,quantity,cost_basis_usd,purchased_at,note\n"


def upload(text: str | bytes, name: str = "positions.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_export_downloads_the_lists_positions_as_a_csv_attachment(alice_client, bags):
    response = alice_client.get(f"/watchlists/{bags.pk}/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ai-bags.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == [
        HEADER.strip(),
        "TAO,2,95,2026-02-04,my secret plan",
        "TAO,1,130,2026-02-05,my secret plan",
        "BTC,,,,benchmark",
        "ICP,1,10,,",
    ]


def test_the_export_starts_with_a_byte_order_mark_so_excel_reads_accented_notes_as_utf8(
    alice_client, bags
):
    services.item_update(item=bags.items.get(token__symbol="ICP"), note="Acheté à 10 €")

    content = alice_client.get(f"/watchlists/{bags.pk}/export.csv").content

    assert content.startswith(b"\xef\xbb\xbf" + HEADER.encode())
    assert content.count(b"\xef\xbb\xbf") == 1
    assert "ICP,1,10,,Acheté à 10 €" in content.decode("utf-8-sig").splitlines()


def test_the_list_page_links_to_export_and_import(alice_client, bags):
    content = alice_client.get(f"/watchlists/{bags.pk}/").content

    assert find(content, tag="a", href=f"/watchlists/{bags.pk}/export.csv")
    assert find(content, tag="a", href=f"/watchlists/{bags.pk}/import/")


def test_an_exported_list_imports_back_the_same_into_an_empty_list(alice_client, alice, bags):
    exported = alice_client.get(f"/watchlists/{bags.pk}/export.csv").content
    copy = services.watchlist_create(owner=alice, name="Copy")

    response = alice_client.post(
        f"/watchlists/{copy.pk}/import/", {"file": upload(exported)}, follow=True
    )

    assert response.redirect_chain == [(f"/watchlists/{copy.pk}/", 302)]
    assert "Imported 4 rows: 3 new tokens, 3 new lots." in response.content.decode()
    again = alice_client.get(f"/watchlists/{copy.pk}/export.csv").content
    assert again == exported


def test_the_import_page_explains_the_format_and_limits(alice_client, alice_list):
    response = alice_client.get(f"/watchlists/{alice_list.pk}/import/")

    text = squash(response.content.decode())
    assert "symbol,quantity,cost_basis_usd,purchased_at,note" in text
    assert "at most 1 MB" in text
    form = find(response.content, tag="form", enctype="multipart/form-data")
    assert form.attrs["action"] == f"/watchlists/{alice_list.pk}/import/"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER + "TAO,1,10,,\nNOPE,1,10,,\n", "Line 3: unknown token symbol 'NOPE'."),
        (HEADER + "TAO,0,10,,\n", "Line 2, quantity: The quantity must be greater than 0."),
        (
            HEADER + "TAO,1,10,2026-13-01,\n",
            "Line 2, purchase date: '2026-13-01' is not a date (YYYY-MM-DD).",
        ),
        ("name,amount\nTAO,1\n", f"Line 1: the header must be {HEADER.strip()}."),
        (HEADER + "TAO,1\n", "Line 2: expected 5 columns, found 2."),
        (HEADER, "Line 2: the file has a header but no rows."),
        (HEADER + "TAO,1,10,,a\x00b\n", "Line 2, note: Null characters are not allowed."),
        (HEADER + "OLD,1,10,,\n", "Line 2: unknown token symbol 'OLD'."),
    ],
    ids=["unknown symbol", "zero quantity", "bad date", "bad header", "short line", "no rows",
         "NUL in a note", "deactivated token"],
)  # fmt: skip
def test_a_bad_line_is_shown_with_its_number_and_nothing_is_imported(
    alice_client, alice_list, tao, text, message
):
    TokenFactory(symbol="OLD", is_active=False)
    before = snapshot()

    response = alice_client.post(f"/watchlists/{alice_list.pk}/import/", {"file": upload(text)})

    assert response.status_code == 200
    assert squash(find(response.content, tag="ul", id="id_file_error").text) == message
    assert snapshot() == before


def test_a_bad_line_is_explained_in_french(alice_client, alice_list, tao):
    text = HEADER + "TAO,1,10,,\nNOPE,1,10,,\n"

    response = alice_client.post(
        f"/watchlists/{alice_list.pk}/import/", {"file": upload(text)}, headers=FRENCH
    )

    error = squash(find(response.content, tag="ul", id="id_file_error").text)
    assert error == "Ligne 3 : symbole de token inconnu « NOPE »."


def test_a_bad_cell_is_named_by_its_field_in_french(alice_client, alice_list, tao):
    """The page read "Ligne 2 : cost_basis_usd: …", the column's code name."""
    text = HEADER + "TAO,1,0,,\n"

    english = alice_client.post(f"/watchlists/{alice_list.pk}/import/", {"file": upload(text)})
    french = alice_client.post(
        f"/watchlists/{alice_list.pk}/import/", {"file": upload(text)}, headers=FRENCH
    )

    assert squash(find(english.content, tag="ul", id="id_file_error").text) == (
        "Line 2, cost per unit (USD): The cost per unit must be greater than 0."
    )
    assert find(french.content, tag="ul", id="id_file_error").text.strip() == (
        "Ligne 2, coût unitaire (USD)\u202f: Le coût unitaire doit être supérieur à 0."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a CSV file."),
        ({"file": upload(HEADER + "TAO,1,1,," + " " * 2**20)}, "The file is larger than 1 MB."),
        ({"file": upload(HEADER.encode() + b"TAO,1,1,,caf\xe9\n")}, "The file is not UTF-8 text."),
    ],
    ids=["no file", "over 1 MB", "not UTF-8"],
)
def test_a_missing_huge_or_unreadable_file_is_refused(alice_client, alice_list, tao, data, message):
    response = alice_client.post(f"/watchlists/{alice_list.pk}/import/", data)

    assert response.status_code == 200
    assert squash(find(response.content, tag="ul", id="id_file_error").text) == message
    assert not WatchlistItem.objects.exists() and not Lot.objects.exists()


def test_the_import_message_counts_in_good_grammar_in_both_languages(
    alice_client, alice_list, tao, icp
):
    one_new = HEADER + "TAO,1,100,,\n"
    url = f"/watchlists/{alice_list.pk}/import/"

    english = alice_client.post(url, {"file": upload(one_new)}, follow=True).content
    french = alice_client.post(url, {"file": upload(one_new)}, headers=FRENCH, follow=True).content

    assert "Imported 1 row: 1 new token, 1 new lot." in squash(english.decode())  # "1 rows"
    assert "1 ligne importée : 0 nouveau token, 1 nouveau lot." in squash(french.decode())


def test_a_french_spreadsheets_semicolon_file_is_told_to_use_commas(alice_client, alice_list, tao):
    """A file saved by a French spreadsheet (columns split by ";") was refused with only "the
    header must be symbol,quantity,…", which reads like the column names were wrong."""
    text = "symbol;quantity;cost_basis_usd;purchased_at;note\nTAO;12,5;214,13;;\n"
    before = snapshot()

    english = alice_client.post(f"/watchlists/{alice_list.pk}/import/", {"file": upload(text)})
    french = alice_client.post(
        f"/watchlists/{alice_list.pk}/import/", {"file": upload(text)}, headers=FRENCH
    )

    assert squash(find(english.content, tag="ul", id="id_file_error").text) == (
        "Line 1: the columns are separated by semicolons: save the file with commas between "
        "columns and a point for decimals, as the export does."
    )
    assert squash(find(french.content, tag="ul", id="id_file_error").text) == (
        "Ligne 1 : les colonnes sont séparées par des points-virgules : enregistrez le fichier "
        "avec des virgules entre les colonnes et un point pour les décimales, comme l\u2019export."
    )
    assert snapshot() == before
