"""Request body parsers of the API."""

from __future__ import annotations

import codecs
from decimal import Decimal
from json import JSONDecodeError

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

# What Python's decoder says went wrong (JSONDecodeError.msg, English only), in the client's
# language: the rest of an API answer is in it.
_DECODER_REASONS = {
    "Expecting value": gettext_lazy("a value was expected"),
    "Expecting ',' delimiter": gettext_lazy("a comma was expected"),
    "Expecting ':' delimiter": gettext_lazy("a colon was expected"),
    "Expecting property name enclosed in double quotes": gettext_lazy(
        "a name in double quotes was expected"
    ),
    "Unterminated string starting at": gettext_lazy("a string is not closed"),
    "Invalid control character at": gettext_lazy("a string holds an unescaped control character"),
    "Invalid \\escape": gettext_lazy("a string holds an invalid escape"),
    "Invalid \\uXXXX escape": gettext_lazy("a string holds an invalid escape"),
    "Extra data": gettext_lazy("something follows the JSON value"),
}


def _parse_error(exc: ValueError) -> ParseError:
    """A 400 saying, in the client's language, what is wrong with the body and where."""
    if isinstance(exc, JSONDecodeError):
        reason = _DECODER_REASONS.get(exc.msg, gettext_lazy("the body is not valid JSON"))
        message = _("JSON parse error - %(reason)s (line %(line)s, column %(column)s).") % {
            "reason": reason,
            "line": exc.lineno,
            "column": exc.colno,
        }
    elif isinstance(exc, UnicodeDecodeError):
        message = _("JSON parse error - the body is not UTF-8 text.")
    else:  # NaN or Infinity, which JSON does not have
        message = _("JSON parse error - NaN and Infinity are not JSON numbers.")
    return ParseError(message)


class JSONParser(parsers.JSONParser):
    """DRF's, with a body nested too deeply for Python's decoder (a RecursionError, which DRF
    does not catch: a 500) refused like any other malformed JSON: a 400 naming ``body``; and
    the decoder's message in the client's language."""

    parse_float = None

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})  # text codecs only, as DRF's
        try:
            return json.load(
                codecs.getreader(encoding)(stream),
                parse_float=self.parse_float,
                parse_constant=json.strict_constant if self.strict else None,
            )
        except ValueError as exc:
            raise _parse_error(exc) from None
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None


class ExactNumbersJSONParser(JSONParser):
    """JSON whose numbers with a fraction or an exponent are read as ``Decimal``, not ``float``:
    for amounts people type (a quantity of tokens, a cost), where a float keeps 17 significant
    digits and would silently round ``123456789.123456789``. Integers stay ``int``."""

    parse_float = Decimal
