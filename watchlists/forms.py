"""Forms of the watchlist pages, and the services' error messages in the visitor's language.

The forms only carry and render what people type, with Django's own checks of a CharField
(no NUL character) and, for the fields that need a value, an empty one refused with the
services' words. Every other check is the services' (one source of truth), whose
ValidationError ``form_errors_apply`` puts next to the right field. A view calls the service
only when ``form.is_valid()``; else it shows the form's errors. The services write their
messages in English; ``service_message`` translates the ones it knows (any other is shown as
it is).
"""

from __future__ import annotations

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.numbers import decimal_comma_read
from watchlists.csv_io import PositionsCsvError
from watchlists.models import NAME_MAX_LENGTH, NOTE_MAX_LENGTH

MAX_UPLOAD_BYTES = 1024 * 1024
SEARCH_MAX_LENGTH = 40


def _text(
    label, *, max_length: int | None = None, empty: str | None = None, **attrs
) -> forms.CharField:
    """A text field the services check (so no length check here). With ``empty`` (the
    services' message for no value) the field is required: the browser asks for a value too."""
    if max_length:
        attrs["maxlength"] = max_length
    return forms.CharField(
        label=label,
        required=empty is not None,
        error_messages={"required": empty} if empty is not None else None,
        strip=False,
        widget=forms.TextInput(attrs=attrs),
    )


class WatchlistNameForm(forms.Form):
    name = _text(
        _("Name"), max_length=NAME_MAX_LENGTH, autocomplete="off", empty=_("Enter a name.")
    )


class ItemAddForm(forms.Form):
    symbol = _text(_("Token symbol"), max_length=20, autocomplete="off")


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        help_text=_("Only you see it, unless the list is shared with its amounts."),
    )


class LotForm(forms.Form):
    quantity = _text(
        _("Quantity"), inputmode="decimal", autocomplete="off", empty=_("Enter a quantity.")
    )
    cost_basis_usd = _text(
        _("Cost per unit (USD)"),
        inputmode="decimal",
        autocomplete="off",
        empty=_("Enter a cost per unit."),
    )
    purchased_at = forms.CharField(
        label=_("Purchase date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # New at each blank form: sent twice, the form adds its lot once (services.lot_add).
    form_key = forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)

    def clean_quantity(self) -> str:
        return decimal_comma_read(self.cleaned_data["quantity"])

    def clean_cost_basis_usd(self) -> str:
        return decimal_comma_read(self.cleaned_data["cost_basis_usd"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            raise ValidationError(_("Choose a CSV file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None


def form_errors_apply(form: forms.Form, error: ValidationError) -> None:
    """Put a service's error on the form: each message next to its field, translated; messages
    about fields the form does not show (limits, lots[0]…) go on top of the form."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in by_field.items():
        target = field if field in form.fields else None
        for message in messages:
            if isinstance(error, PositionsCsvError):
                message = csv_error_message(error)
            form.add_error(target, service_message(message))


def csv_error_message(error: PositionsCsvError) -> str:
    """The bad line of a CSV file; a bad cell's column is named in the reader's words ("Line 2,
    quantity: …"), where the reason names it by its code name ("quantity: …")."""
    cell = _CSV_FIELD.fullmatch(error.reason)
    if cell:
        # Translators: a bad cell of an imported CSV file, e.g. "Line 2, quantity: The
        # quantity must be greater than 0." (the field is one of the "CSV column" names).
        return gettext("Line %(line)s, %(field)s: %(reason)s") % {
            "line": error.line,
            "field": CSV_FIELDS[cell["field"]],
            "reason": service_message(cell["rest"]),
        }
    return gettext("Line %(line)s: %(reason)s") % {
        "line": error.line,
        "reason": service_message(error.reason),
    }


# The CSV columns (csv_io.HEADER) as an error message names them, after "Line 2, ".
CSV_FIELDS = {
    "symbol": pgettext_lazy("CSV column", "token symbol"),
    "quantity": pgettext_lazy("CSV column", "quantity"),
    "cost_basis_usd": pgettext_lazy("CSV column", "cost per unit (USD)"),
    "purchased_at": pgettext_lazy("CSV column", "purchase date"),
    "note": pgettext_lazy("CSV column", "note"),
}


# The services' messages (watchlists/validation.py, services.py, csv_io.py): pattern ->
# translation. Groups keep the values as the services wrote them.
_SYMBOL = r"(?P<symbol>\S+)"
SERVICE_MESSAGES = [
    (r"Enter a name\.", _("Enter a name.")),
    # Characters nobody types (core/text.py); the NUL one is Django's own message, translated
    # by Django.
    (r"Null characters are not allowed\.", _("Null characters are not allowed.")),
    (
        r"Control characters are not allowed \((?P<code>U\+[0-9A-F]+)\)\.",
        _("Control characters are not allowed (%(code)s)."),
    ),
    (
        r"Line and paragraph separators are not allowed \((?P<code>U\+[0-9A-F]+)\)\.",
        _("Line and paragraph separators are not allowed (%(code)s)."),
    ),
    (
        r"Invisible or direction-changing characters are not allowed \((?P<code>U\+[0-9A-F]+)\)\.",
        _("Invisible or direction-changing characters are not allowed (%(code)s)."),
    ),
    (
        r"At most (?P<limit>\d+) characters \(it has (?P<count>\d+)\)\.",
        _("At most %(limit)s characters (it has %(count)s)."),
    ),
    (r"Enter a token symbol\.", _("Enter a token symbol.")),
    (r"Unknown token symbol (?P<symbol>.+)\.", _("Unknown token symbol %(symbol)s.")),
    (r"unknown token symbol (?P<symbol>.+)\.", _("unknown token symbol %(symbol)s.")),
    (r"Enter a number\.", _("Enter a number.")),
    (r"Enter a finite number\.", _("Enter a finite number.")),
    (r"Enter a quantity\.", _("Enter a quantity.")),
    (r"Enter a cost per unit\.", _("Enter a cost per unit.")),
    (r"The quantity must be greater than 0\.", _("The quantity must be greater than 0.")),
    (
        r"The cost per unit must be greater than 0\.",
        _("The cost per unit must be greater than 0."),
    ),
    (
        r"The quantity must be at most (?P<limit>\S+)\.",
        _("The quantity must be at most %(limit)s."),
    ),
    (
        r"The cost per unit must be at most (?P<limit>\S+)\.",
        _("The cost per unit must be at most %(limit)s."),
    ),
    (
        r"The quantity has more than (?P<places>\d+) decimal places\.",
        _("The quantity has more than %(places)s decimal places."),
    ),
    (
        r"The cost per unit has more than (?P<places>\d+) decimal places\.",
        _("The cost per unit has more than %(places)s decimal places."),
    ),
    (
        r"(?P<value>.+) is not a number: write the decimals after a point \((?P<point>\S+)\), "
        r"as the export does\.",
        _(
            "%(value)s is not a number: write the decimals after a point (%(point)s), as the "
            "export does."
        ),
    ),
    (
        r"(?P<value>.+) is not a number: write (?P<grouped>\S+) if the comma separates "
        r"thousands, or (?P<decimal>\S+) if it marks decimals, as the export does\.",
        _(
            "%(value)s is not a number: write %(grouped)s if the comma separates thousands, "
            "or %(decimal)s if it marks decimals, as the export does."
        ),
    ),
    (
        r"(?P<value>.+) is not a number: write it without thousands separators "
        r"\((?P<plain>\S+)\), as the export does\.",
        _(
            "%(value)s is not a number: write it without thousands separators (%(plain)s), "
            "as the export does."
        ),
    ),
    (r"(?P<value>.+) is not a number\.", _("%(value)s is not a number.")),
    (r"(?P<value>.+) is not a date \(YYYY-MM-DD\)\.", _("%(value)s is not a date (YYYY-MM-DD).")),
    (r"The purchase date is in the future\.", _("The purchase date is in the future.")),
    (
        r"The purchase date is before (?P<date>[\d-]+)\.",
        _("The purchase date is before %(date)s."),
    ),
    (
        r"A purchase date needs a quantity and a cost basis\.",
        _("A purchase date needs a quantity and a cost basis."),
    ),
    (
        r"You already have a watchlist named (?P<name>.+)\.",
        _("You already have a watchlist named %(name)s."),
    ),
    (
        r"You already have (?P<limit>\d+) watchlists, the most allowed\.",
        _("You already have %(limit)s watchlists, the most allowed."),
    ),
    (r"Enter a whole number, 0 or more\.", _("Enter a whole number, 0 or more.")),
    (rf"{_SYMBOL} is already in this watchlist\.", _("%(symbol)s is already in this watchlist.")),
    (rf"{_SYMBOL} is not in this watchlist\.", _("%(symbol)s is not in this watchlist.")),
    (
        r"This watchlist already has (?P<limit>\d+) tokens, the most allowed\.",
        _("This watchlist already has %(limit)s tokens, the most allowed."),
    ),
    (
        rf"{_SYMBOL} would have more than (?P<limit>\d+) lots\.",
        _("%(symbol)s would have more than %(limit)s lots."),
    ),
    (r"At most (?P<limit>\d+) lots per token\.", _("At most %(limit)s lots per token.")),
    (
        r"An idempotency key is 1 to (?P<limit>\d+) visible ASCII characters\.",
        _("An idempotency key is 1 to %(limit)s visible ASCII characters."),
    ),
    (
        r"This idempotency key was already sent with other lots\.",
        _("This idempotency key was already sent with other lots."),
    ),
    (
        r"This idempotency key was already sent with another note or position\.",
        _("This idempotency key was already sent with another note or position."),
    ),
    # CSV lines (csv_io.py and the import service)
    (
        r"expected (?P<expected>\d+) columns, found (?P<found>\d+)\.",
        _("expected %(expected)s columns, found %(found)s."),
    ),
    (r"the file is empty\.", _("the file is empty.")),
    (r"the header must be (?P<header>\S+)\.", _("the header must be %(header)s.")),
    (
        r"the columns are separated by semicolons: save the file with commas between columns "
        r"and a point for decimals, as the export does\.",
        _(
            "the columns are separated by semicolons: save the file with commas between "
            "columns and a point for decimals, as the export does."
        ),
    ),
    (r"more than (?P<limit>[\d,]+) rows\.", _("more than %(limit)s rows.")),
    (r"not valid CSV \((?P<detail>.*)\)\.", _("not valid CSV (%(detail)s).")),
    (r"the file has a header but no rows\.", _("the file has a header but no rows.")),
    (
        r"the watchlist would have more than (?P<limit>\d+) tokens\.",
        _("the watchlist would have more than %(limit)s tokens."),
    ),
    (
        rf"note for {_SYMBOL} differs from the one on line (?P<line>\d+)\.",
        _("note for %(symbol)s differs from the one on line %(line)s."),
    ),
]
_COMPILED = [(re.compile(pattern, re.DOTALL), text) for pattern, text in SERVICE_MESSAGES]
_CSV_FIELD = re.compile(
    r"(?P<field>symbol|quantity|cost_basis_usd|purchased_at|note): (?P<rest>.+)", re.DOTALL
)


def service_message(message: str) -> str:
    """The message in the active language when it is one the services write, else as is."""
    message = str(message)
    field = _CSV_FIELD.fullmatch(message)
    if field:  # "quantity: The quantity must be greater than 0." (a CSV cell)
        # Translators: a CSV cell's column and what is wrong with it, e.g.
        # "quantity: The quantity must be greater than 0."
        return pgettext("CSV cell error", "%(field)s: %(reason)s") % {
            "field": CSV_FIELDS[field["field"]],
            "reason": service_message(field["rest"]),
        }
    for pattern, text in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            values = {name: _quoted(value) for name, value in match.groupdict().items()}
            if "limit" in values:
                values["limit"] = _grouped(values["limit"])
            return str(text) % values if values else str(text)
    return message


_PYTHON_QUOTED = re.compile(r"'(?P<inner>.*)'|\"(?P<double>.*)\"", re.DOTALL)


def _quoted(value: str) -> str:
    """A value the services quoted as Python does ('NOPE') in the active language's quotes:
    French « NOPE »; as written where the language quotes that way (English)."""
    match = _PYTHON_QUOTED.fullmatch(value)
    if match is None:
        return value
    # Translators: a value quoted in an error message, e.g. "'abc' is not a number.";
    # French « abc ».
    pattern = pgettext("quoted value", "'%(value)s'")
    if pattern == "'%(value)s'":
        return value
    inner = match["inner"] if match["inner"] is not None else match["double"]
    return pattern % {"value": inner}


_GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")


def _grouped(value: str) -> str:
    """A limit the services wrote with English thousands separators ("1,000,000,000") as the
    active language writes it ("1 000 000 000" in French); any other limit as it is."""
    if not _GROUPED_NUMBER.fullmatch(value):
        return value
    return number_format(int(value.replace(",", "")), force_grouping=True)
