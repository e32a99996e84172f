"""The forms of the watchlist pages: what they check themselves before the services do."""

import pytest

from tests.markets.pages.html import find
from watchlists.forms import LotForm, WatchlistNameForm


@pytest.mark.parametrize(
    ("form_class", "field", "message"),
    [
        (WatchlistNameForm, "name", "Enter a name."),
        (LotForm, "quantity", "Enter a quantity."),
        (LotForm, "cost_basis_usd", "Enter a cost per unit."),
    ],
)
def test_a_field_that_needs_a_value_is_required_by_the_form_in_the_services_words(
    form_class, field, message
):
    form = form_class({})

    assert form.fields[field].required
    assert "required" not in form.fields[field].widget.attrs
    assert "required" in find(str(form[field]), tag="input").attrs  # the browser asks too
    assert not form.is_valid() and form.errors[field] == [message]


def test_a_value_quoted_in_a_service_message_gets_french_quotes_in_french():
    """French errors showed 'abc' and 'NOPE' in Python's quotes, where the alerts page says
    « NOPE »."""
    from django.utils import translation

    from watchlists.forms import service_message

    with translation.override("fr"):
        assert service_message("'1 234,56' is not a number.") == (
            "«\u202f1 234,56\u202f» n\u2019est pas un nombre."
        )
        assert (
            service_message('"it\'s" is not a number.')
            == "«\u202fit's\u202f» n\u2019est pas un nombre."
        )
        assert service_message("quantity: 'x' is not a number.") == (
            "quantité\u202f: «\u202fx\u202f» n\u2019est pas un nombre."
        )
    assert service_message("'abc' is not a number.") == "'abc' is not a number."
    assert service_message('"it\'s" is not a number.') == '"it\'s" is not a number.'


def test_the_hints_for_a_comma_in_a_csv_number_read_in_french():
    from django.utils import translation

    from watchlists.forms import service_message

    with translation.override("fr"):
        assert service_message(
            "quantity: '1,000' is not a number: write 1000 if the comma separates thousands, "
            "or 1.000 if it marks decimals, as the export does."
        ) == (
            "quantité\u202f: «\u202f1,000\u202f» n\u2019est pas un nombre\u202f: "
            "écrivez 1000 si la virgule sépare les milliers, ou 1.000 si elle marque les "
            "décimales, comme l\u2019export."
        )
        assert service_message(
            "'1,000,000.5' is not a number: write it without thousands separators "
            "(1000000.5), as the export does."
        ) == (
            "«\u202f1,000,000.5\u202f» n\u2019est pas un nombre\u202f: écrivez-le sans séparateur "
            "de milliers (1000000.5), comme l\u2019export."
        )
