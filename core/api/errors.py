"""One JSON error shape for the whole API, and its OpenAPI description.

Every error has a ``detail`` message; a 400 also has ``errors``: the offending parameter (or
body field) names, each with its messages, e.g.
``{"detail": "page_size: Ensure this value is less than or equal to 200.",
"errors": {"page_size": ["Ensure this value is less than or equal to 200."]}}``. An error of
the whole request (DRF's ``non_field_errors``) shows its message alone in ``detail``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import (
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    ParseError,
    ValidationError,
)
from rest_framework.metadata import SimpleMetadata
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.mediatypes import media_type_matches
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import request_too_large_message

security_logger = logging.getLogger("django.security.RequestDataTooBig")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for people.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by parameter (or body field) name.",
    )


# Messages quote what was sent ('"xxx…" is not a valid choice.'): 8,000 characters in came
# back whole. Past these lengths a name or message is cut, with an ellipsis.
NAME_MAX, MESSAGE_MAX = 100, 300


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _flatten(errors) -> dict[str, list[str]]:
    if not isinstance(errors, dict):
        errors = {NON_FIELD: errors}
    flat = {}
    for name, messages in errors.items():
        messages = messages if isinstance(messages, list) else [messages]
        flat[_cut(str(name), NAME_MAX)] = [_cut(str(m), MESSAGE_MAX) for m in messages]
    return flat


def api_exception_handler(exc, context):
    """DRF's handler, then every 400 reshaped to {detail, errors} (a malformed body is named
    ``body``). Anything else is a 500."""
    if isinstance(exc, RequestDataTooBig):
        # Reading the body in the view: Django's handler400 would answer it, except in DEBUG
        # (its technical page, a 400). Logged as Django logs it.
        security_logger.error(str(exc), extra={"status_code": 413})
        return Response({"detail": request_too_large_message()}, status=413)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ParseError):  # a body that is not JSON
        response.data = {"detail": str(exc.detail), "errors": {"body": [str(exc.detail)]}}
    elif response is not None and isinstance(exc, ValidationError):
        errors = _flatten(response.data)
        # The whole-request key is for programs: people read its messages alone.
        summary = "; ".join(
            " ".join(messages) if name == NON_FIELD else f"{name}: {' '.join(messages)}"
            for name, messages in errors.items()
        )
        response.data = {"detail": summary, "errors": errors}
    return response


class StrictFormatNegotiation(DefaultContentNegotiation):
    """An unknown or empty ``?format=`` is a 400 naming the parameter (DRF: a 404, or for an
    empty one the default format)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        name = self.settings.URL_FORMAT_OVERRIDE
        if not format_suffix and name and request.query_params.get(name) == "":
            known = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            message = _("May not be empty; use one of: %(known)s.") % {"known": known}
            raise ValidationError({name: [message]})
        if format_suffix or (name and request.query_params.get(name)):
            # The format asked in the URL wins over the Accept header, as DRF documents
            # URL_FORMAT_OVERRIDE (DRF itself: a 406 for ?format=csv with Accept:
            # application/json, which clients set once for every call).
            try:
                return super().select_renderer(request, renderers, format_suffix)
            except NotAcceptable:
                format = format_suffix or request.query_params.get(name)
                renderer = self.filter_renderers(renderers, format)[0]
                return renderer, renderer.media_type
        # DRF ignores quality values: "text/csv, application/json;q=0.5" got JSON (the first
        # renderer), and "application/json;q=0" too. Each renderer takes the q of the most
        # specific range naming it (RFC 9110 12.5.1); the highest q above 0 wins, then the
        # more specific range, then the view's renderer order.
        accepts = self._accept_ranges(request)
        best = None
        for index, renderer in enumerate(renderers):
            matches = [a for a in accepts if media_type_matches(renderer.media_type, a[0])]
            if not matches:
                continue
            media_type, quality, precedence = max(matches, key=lambda a: (a[2], a[1]))
            rank = (quality, precedence, -index)
            if quality > 0 and (best is None or rank > best[0]):
                accepted = renderer.media_type if precedence < 2 else media_type
                best = (rank, renderer, accepted)
        if best is None:
            raise NotAcceptable(available_renderers=renderers)
        return best[1], best[2]

    def _accept_ranges(self, request) -> list[tuple[str, float, int]]:
        """(media type without q, q, precedence 0 for */* to 3 with parameters) of each
        range of the Accept header (no header means */*)."""
        ranges = []
        for token in self.get_accept_list(request):
            try:
                full_type, params = parse_header_parameters(token)
            except ValueError:
                continue
            try:
                quality = min(max(float(params.pop("q", "1")), 0.0), 1.0)
            except ValueError:
                quality = 1.0
            main, _, sub = full_type.partition("/")
            if not main or not sub:
                continue
            precedence = 0 if main == "*" else 1 if sub == "*" else 3 if params else 2
            media_type = "; ".join([full_type, *(f"{k}={v}" for k, v in params.items())])
            ranges.append((media_type, quality, precedence))
        return ranges

    def filter_renderers(self, renderers, format):
        try:
            return super().filter_renderers(renderers, format)
        except Http404:
            known = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            message = _("Unknown format %(format)r; use one of: %(known)s.") % {
                "format": format,
                "known": known,
            }
            raise ValidationError({"format": [message]}) from None


class RoutesMetadata(SimpleMetadata):
    """OPTIONS: the route's name, description, rendered and parsed media types. DRF's
    "actions" described the view's answer serializer as the POST/PATCH body (every field
    read-only, none required); the request bodies are in the OpenAPI schema."""

    def determine_actions(self, request, view):
        return {}


class ApiErrorsMixin:
    """For API views: the error shape above, strict ``?format=``, and a 405 for a method the
    route does not take before any sign-in is asked (DRF checks the method last: signed out,
    ``DELETE /api/v1/tokens/TAO/`` was a 401, as if signing in would allow it)."""

    content_negotiation_class = StrictFormatNegotiation
    metadata_class = RoutesMetadata

    def get_exception_handler(self):
        return api_exception_handler

    def perform_authentication(self, request):
        # The first check of APIView.initial after content negotiation (whose renderer
        # the error then keeps, as any other).
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().perform_authentication(request)


RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before the next request.",
)


def error_responses(*statuses: int, media_type: str | None = None) -> dict:
    """OpenAPI responses for these error statuses (400, 404, 429 …), keyed by status, or by
    (status, media type) when the view has several renderers."""
    described = {
        400: OpenApiResponse(ValidationErrorSerializer, description="A bad parameter."),
        401: OpenApiResponse(ErrorSerializer, description="Bad credentials."),
        404: OpenApiResponse(ErrorSerializer, description="No such resource."),
        406: OpenApiResponse(ErrorSerializer, description="Unsupported Accept header."),
        429: OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After."),
    }
    return {
        (status if media_type is None else (status, media_type)): described[status]
        for status in statuses
    }


# --- Writes: serializer and service errors as one flat 400 naming each field ----------------
# Nested fields are named like the services name them: ``lots[1].quantity``. Django's
# ``__all__`` (limits and other whole-request errors) becomes DRF's ``non_field_errors``.

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
def service_errors(*, translate: Callable[[str], str] | None = None) -> Iterator[None]:
    """A service's ValidationError is a 400; a row that vanished meanwhile is a 404.
    ``translate`` puts a service's (English) message in the active language, as the app's
    pages do."""
    try:
        yield
    except DjangoValidationError as exc:
        errors = errors_flatten(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        if translate is not None:
            errors = {name: [translate(m) for m in messages] for name, messages in errors.items()}
        raise ValidationError(errors) from None
    except ObjectDoesNotExist:
        raise NotFound() from None


WRITE_ERRORS = {
    **error_responses(400, 401, 404, 429),
    403: OpenApiResponse(ErrorSerializer, description="Signed in by session without CSRF token."),
}
READ_ERRORS = error_responses(400, 401, 404, 429)
