"""The services' error messages as the pages show them: unchanged in English, in French for
French readers, and any message the pages do not know shown as it is."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.markets.pages.html import find, squash
from tests.watchlists.pages.conftest import FRENCH
from watchlists import services
from watchlists.csv_io import PositionsCsvError, csv_parse
from watchlists.forms import (
    SERVICE_MESSAGES,
    LotForm,
    csv_error_message,
    form_errors_apply,
    service_message,
)

APOS = "\u2019"  # the typographic apostrophe of the French catalogue
NBSP = "\xa0"  # French thousands separator
# Real messages, produced by the services below, and their French.
CASES = {
    "create empty": ("Enter a name.", "Saisissez un nom."),
    "create duplicate": (
        "You already have a watchlist named 'AI bags'.",
        "Vous avez déjà une liste de suivi nommée «\u202fAI bags\u202f».",
    ),
    "add unknown": ("Unknown token symbol 'NOPE'.", "Symbole de token inconnu «\u202fNOPE\u202f»."),
    "add twice": ("TAO is already in this watchlist.", "TAO est déjà dans cette liste de suivi."),
    "lot zero": ("The quantity must be greater than 0.", "La quantité doit être supérieure à 0."),
    "lot text": ("'abc' is not a number.", f"«\u202fabc\u202f» n{APOS}est pas un nombre."),
    "lot future": (
        "The purchase date is in the future.",
        f"La date d{APOS}achat est dans le futur.",
    ),
    "lot too big": (
        "The quantity must be at most 1,000,000,000,000.",
        "La quantité doit être au plus de 1\u202f000\u202f000\u202f000\u202f000.",
    ),
    "name control": (
        "Control characters are not allowed (U+001B).",
        "Les caractères de contrôle ne sont pas autorisés (U+001B).",
    ),
    "name separator": (
        "Line and paragraph separators are not allowed (U+2028).",
        "Les séparateurs de ligne et de paragraphe ne sont pas autorisés (U+2028).",
    ),
    "note invisible": (
        "Invisible or direction-changing characters are not allowed (U+202E).",
        f"Les caractères invisibles ou qui changent le sens d{APOS}écriture ne sont pas "
        "autorisés (U+202E).",
    ),
}


def produce(case: str, alice, alice_list) -> str:
    calls = {
        "create empty": lambda: services.watchlist_create(owner=alice, name=" "),
        "create duplicate": lambda: services.watchlist_create(owner=alice, name="AI bags"),
        "add unknown": lambda: services.watchlist_add_token(watchlist=alice_list, symbol="nope"),
        "add twice": lambda: services.watchlist_add_token(watchlist=alice_list, symbol="TAO"),
        "lot zero": lambda: services.lot_add(item=alice_list.items.get(), quantity="0",
                                             cost_basis_usd="1"),
        "lot text": lambda: services.lot_add(item=alice_list.items.get(), quantity="abc",
                                             cost_basis_usd="1"),
        "lot future": lambda: services.lot_add(item=alice_list.items.get(), quantity="1",
                                               cost_basis_usd="1", purchased_at="2999-01-01"),
        "lot too big": lambda: services.lot_add(item=alice_list.items.get(), quantity="1e13",
                                                cost_basis_usd="1"),
        "name control": lambda: services.watchlist_create(owner=alice, name="AI\x1bbags"),
        "name separator": lambda: services.watchlist_create(owner=alice, name="y\u2028z"),
        "note invisible": lambda: services.item_note_set(item=alice_list.items.get(),
                                                         note="a\u202eb"),
    }  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        calls[case]()
    (messages,) = caught.value.message_dict.values()
    return messages[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_service_message_reads_the_same_in_english_and_is_translated_in_french(
    alice, alice_list, tao, case
):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO")
    english, french = CASES[case]

    message = produce(case, alice, alice_list)

    assert message == english
    with translation.override("en"):
        assert service_message(message) == english
    with translation.override("fr"):
        assert service_message(message) == french


def test_a_csv_line_error_names_its_field_in_the_readers_words_in_french():
    """It read "Ligne 2 : quantity: …": the column's code name and an English colon."""
    with pytest.raises(PositionsCsvError) as caught:
        csv_parse("symbol,quantity,cost_basis_usd,purchased_at,note\nTAO,0,1,,\n")

    with translation.override("fr"):
        message = csv_error_message(caught.value)
    with translation.override("en"):
        english = csv_error_message(caught.value)

    assert message == "Ligne 2, quantité\u202f: La quantité doit être supérieure à 0."
    assert english == "Line 2, quantity: The quantity must be greater than 0."


@pytest.mark.parametrize(
    ("row", "french"),
    [
        (",1,2,,", f"Ligne 2, symbole du token\u202f: Saisissez le symbole d{APOS}un token."),
        ("TAO,1,0,,", "Ligne 2, coût unitaire (USD)\u202f: Le coût unitaire doit être"),
        ("TAO,1,2,2999-01-01,", f"Ligne 2, date d{APOS}achat\u202f: La date d{APOS}achat"),
        ("TAO,1,2,," + "n" * 501, "Ligne 2, note\u202f: 500 caractères au plus"),
    ],
    ids=["symbol", "cost_basis_usd", "purchased_at", "note"],
)
def test_every_csv_column_is_named_in_french(row, french):
    with pytest.raises(PositionsCsvError) as caught:
        csv_parse(f"symbol,quantity,cost_basis_usd,purchased_at,note\n{row}\n")

    with translation.override("fr"):
        message = csv_error_message(caught.value)

    assert message.startswith(french)
    assert not re.search(r"\b(symbol|cost_basis_usd|purchased_at|note):", message)


def test_a_csv_decimal_comma_is_refused_with_a_hint_to_write_a_point_in_french_too():
    with pytest.raises(PositionsCsvError) as caught:
        csv_parse('symbol,quantity,cost_basis_usd,purchased_at,note\nTAO,"1,5",1,,\n')

    with translation.override("fr"):
        message = csv_error_message(caught.value)

    assert message == (
        f"Ligne 2, quantité\u202f: «\u202f1,5\u202f» n{APOS}est pas un nombre\u202f: "
        f"écrivez les décimales après un point (1.5), comme l{APOS}export."
    )


def test_an_unknown_message_is_shown_as_it_is():
    with translation.override("fr"):
        assert service_message("Something new went wrong.") == "Something new went wrong."


def test_errors_on_fields_the_form_does_not_show_go_on_top_of_it():
    form = LotForm({"quantity": "1", "cost_basis_usd": "1"})
    form.is_valid()

    form_errors_apply(form, ValidationError({"lots[0].quantity": ["Enter a quantity."]}))
    form_errors_apply(form, ValidationError("TAO would have more than 1000 lots."))

    assert form.non_field_errors() == ["Enter a quantity.", "TAO would have more than 1000 lots."]


def test_every_message_the_pages_know_has_its_french_translation():
    with translation.override("en"):
        english = [str(text) for _, text in SERVICE_MESSAGES]
    with translation.override("fr"):
        french = [str(text) for _, text in SERVICE_MESSAGES]

    assert [en for en, fr in zip(english, french, strict=True) if en == fr] == []


def test_a_french_reader_sees_a_refused_character_in_a_note_explained_in_french(
    alice_client, alice_list, tao
):
    services.watchlist_add_token(watchlist=alice_list, symbol="TAO")

    response = alice_client.post(
        f"/watchlists/{alice_list.pk}/items/TAO/note/", {"note": "bell\x07"}, headers=FRENCH
    )

    errors = find(response.content, tag="ul", id="id_note_error")
    assert squash(errors.text) == "Les caractères de contrôle ne sont pas autorisés (U+0007)."


def test_the_row_limit_of_a_csv_file_is_grouped_as_each_language_writes_it():
    """It read "more than 10000 rows" in English and "plus de 10000 lignes" in French."""
    rows = "TAO,1,1,,\n" * 10_001
    with pytest.raises(PositionsCsvError) as caught:
        csv_parse("symbol,quantity,cost_basis_usd,purchased_at,note\n" + rows)

    with translation.override("en"):
        english = csv_error_message(caught.value)
    with translation.override("fr"):
        french = csv_error_message(caught.value)

    assert english == "Line 10002: more than 10,000 rows."
    assert french == "Ligne 10002\u202f: plus de 10\u202f000 lignes."
