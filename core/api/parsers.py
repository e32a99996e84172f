"""Request body parsers of the API."""

from __future__ import annotations

import codecs
from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


class JSONParser(parsers.JSONParser):
    """DRF's, with a body nested too deeply for Python's decoder (a RecursionError, which DRF
    does not catch: a 500) refused like any other malformed JSON: a 400 naming ``body``."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None


class ExactNumbersJSONParser(JSONParser):
    """JSON whose numbers with a fraction or an exponent are read as ``Decimal``, not ``float``:
    for amounts people type (a quantity of tokens, a cost), where a float keeps 17 significant
    digits and would silently round ``123456789.123456789``. Integers stay ``int``."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})  # text codecs only, as DRF's
        try:
            return json.load(
                codecs.getreader(encoding)(stream),
                parse_float=Decimal,
                parse_constant=json.strict_constant if self.strict else None,
            )
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
