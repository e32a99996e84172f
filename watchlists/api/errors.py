"""Turn serializer and service errors into one flat 400 naming each field.

Nested fields are named like the services name them: ``lots[1].quantity``. Django's
``__all__`` (limits and other whole-request errors) becomes DRF's ``non_field_errors``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.settings import api_settings

from markets.api.errors import ErrorSerializer, error_responses

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def errors_flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """{"lots": [{}, {"quantity": ["…"]}]} (or {"lots": {1: …}}) -> {"lots[1].quantity": ["…"]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int):  # a list's errors by index
                name = f"{prefix}[{key}]"
            else:
                key = NON_FIELD if key == NON_FIELD_ERRORS else str(key)
                name = (prefix if key == NON_FIELD else f"{prefix}.{key}") if prefix else key
            for field, messages in errors_flatten(value, name).items():
                flat.setdefault(field, []).extend(messages)
    elif isinstance(errors, list | tuple) and any(not isinstance(e, str) for e in errors):
        for index, value in enumerate(errors):
            flat.update(errors_flatten(value, f"{prefix}[{index}]"))
    elif errors:
        messages = errors if isinstance(errors, list | tuple) else [errors]
        flat[prefix or NON_FIELD] = [str(message) for message in messages]
    return flat


def validated(serializer) -> dict:
    """The serializer's data, or a 400 with its errors flattened."""
    if not serializer.is_valid():
        raise ValidationError(errors_flatten(serializer.errors))
    return serializer.validated_data


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's ValidationError is a 400; a row that vanished meanwhile is a 404."""
    try:
        yield
    except DjangoValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        raise ValidationError(errors_flatten(errors)) from None
    except ObjectDoesNotExist:
        raise NotFound("Not found.") from None


WRITE_ERRORS = {
    **error_responses(400, 401, 404, 429),
    403: OpenApiResponse(ErrorSerializer, description="Signed in by session without CSRF token."),
}
READ_ERRORS = error_responses(400, 401, 404, 429)
