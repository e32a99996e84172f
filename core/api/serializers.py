"""Serializer bases for API writes: the body says exactly what the schema says.

- A body that is not an object (a JSON list, string, number…) is a 400 naming ``body``, as
  one that is not JSON at all.
- A field the serializer does not know is a 400 naming it, not silently ignored (a typo such
  as ``is_publik`` would otherwise look like a success).
- A text field (``type: string`` in the schema) refuses a JSON number, boolean, list or
  object with a 400 naming it; DRF alone would store ``123`` as ``"123"``.
- A number field refuses a JSON boolean with a 400 naming it; DRF's FloatField alone would
  store ``true`` as ``1.0``.
- A boolean field takes a JSON ``true`` or ``false`` only (``null`` where it allows null); DRF
  alone reads ``"yes"``, ``"on"``, ``"1"`` or ``1`` as true and ``"no"`` or ``0`` as false.
  A form body (values are always strings) keeps DRF's reading.
- A form body means what the same fields sent as JSON strings mean: a field sent blank
  (``stance=``) is validated as ``""``; DRF reads HTML forms, where every input is sent even
  when left empty, and dropped such a field as if it had not been sent, so ``body=`` in an
  edit was a 200 that changed nothing and ``stance=`` could not clear a stance. A form cannot
  send null: a blank for a field that takes null is null, as DRF reads it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.params import link_without_format
from core.numbers import number_text_is_plain

TEXT_FIELDS = (serializers.CharField, serializers.ChoiceField)
NUMBER_FIELDS = (serializers.IntegerField, serializers.FloatField, serializers.DecimalField)


class PlainNumberMixin:
    """For number fields: a string must be written as people and programs write a number
    (core.numbers.number_text_is_plain). Python's float() and Decimal, which DRF calls, also
    read "1_000" and non-ASCII digits, which nobody means."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not number_text_is_plain(data):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "pattern": r"\S"})
class VisibleTextField(serializers.CharField):
    """Text the service refuses when empty or only spaces, with its own message: the schema
    says it needs a character other than a space (minLength 1 and a pattern), and the field
    passes such a text on for the service to refuse, rather than DRF's "may not be blank"."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and not data.strip():
            return data
        return super().run_validation(data)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "uri", "minLength": 1},
            {"type": "string", "maxLength": 0},
        ]
    }
)
class AbsoluteUrlField(serializers.CharField):
    """A stored site path (``/tokens/TAO/``) as an absolute URL on the host the request came
    to: an API client has no page to resolve a relative link against. Empty stays empty."""

    def to_representation(self, value):
        value = super().to_representation(value)
        request = self.context.get("request")
        return request.build_absolute_uri(value) if value and request else value


class ResourceUrlField(serializers.HyperlinkedIdentityField):
    """An object's absolute API URL, without the ``?format=`` of the request
    (core.api.params.link_without_format)."""

    def get_url(self, obj, view_name, request, format):
        url = super().get_url(obj, view_name, request, format)
        return link_without_format(url) if url else url


def _wrong_json_type(field, value, *, form: bool) -> bool:
    """A boolean for a number field; anything but a boolean (or an allowed null) for a boolean
    field of a JSON body."""
    if isinstance(field, NUMBER_FIELDS):
        return isinstance(value, bool)
    if isinstance(field, serializers.BooleanField) and not form:
        return not isinstance(value, bool) and not (value is None and field.allow_null)
    return False


def body_type_errors(serializer, data) -> dict[str, list[str]]:
    """Unknown fields, non-strings given to text fields, booleans given to number fields and
    anything but a JSON boolean given to boolean fields, by field name."""
    if not isinstance(data, Mapping):
        return {}
    errors = {
        str(name): [str(_("Unknown field."))] for name in data if name not in serializer.fields
    }
    for name, field in serializer.fields.items():
        if field.read_only or name not in data:
            continue
        value = data[name]  # a QueryDict (form body) gives its last value, always a string
        if isinstance(field, TEXT_FIELDS) and value is not None and not isinstance(value, str):
            errors[name] = [str(_("Not a valid string."))]
        elif _wrong_json_type(field, value, form=isinstance(data, QueryDict)):
            errors[name] = [str(field.error_messages["invalid"])]
    return dict(sorted(errors.items()))


def form_values(serializer, data: QueryDict) -> dict:
    """A form body as the JSON object it stands for: each field's (last) value, a blank read
    as null for a field that takes null."""
    values = {}
    for name in data:
        value = data[name]
        field = serializer.fields.get(name)
        if value == "" and field is not None and field.allow_null:
            value = None
        values[name] = value
    return values


def body_refuse(request) -> None:
    """For a write that takes no body: any field sent is unknown (a 400 naming it), any other
    JSON a 400 naming ``body``; an empty body or ``{}`` is fine."""
    data = request.data
    if isinstance(data, Mapping):
        if data:
            unknown = {str(name): [str(_("Unknown field."))] for name in sorted(data)}
            raise serializers.ValidationError(unknown)
    elif data not in (None, "", []):
        raise serializers.ValidationError({"body": [str(_("No body expected."))]})


class StrictFieldsMixin:
    """For input serializers: see the module docstring. These errors come with the others."""

    def run_validation(self, data=serializers.empty):
        if self.parent is None and data is not serializers.empty and not isinstance(data, Mapping):
            # The whole body (JSON null included): named like a body that is not JSON (DRF:
            # non_field_errors, "No data provided" for null).
            raise serializers.ValidationError({"body": [str(_("Expected a JSON object."))]})
        return super().run_validation(data)

    def to_internal_value(self, data):
        strict = body_type_errors(self, data)
        if isinstance(data, QueryDict):
            data = form_values(self, data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if strict and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **strict}) from None
            raise
        if strict:
            raise serializers.ValidationError(strict)
        return value


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """A field not listed here is a 400 naming it, as is a number, list or object given for a
    text field, a boolean for a number field, or anything but true or false for a boolean."""


class StrictSerializerSchema(OpenApiSerializerExtension):
    """In the OpenAPI schema, a strict serializer's request body has
    ``additionalProperties: false``: an unknown field is a 400, not an ignored extra."""

    target_class = StrictFieldsMixin
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema
