"""One JSON error shape for the whole API, and its OpenAPI description.

Every error has a ``detail`` message; a 400 also has ``errors``: the offending parameter (or
body field) names, each with its messages, e.g.
``{"detail": "page_size: Ensure this value is less than or equal to 200.",
"errors": {"page_size": ["Ensure this value is less than or equal to 200."]}}``.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for people.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by parameter (or body field) name.",
    )


def _flatten(errors) -> dict[str, list[str]]:
    if not isinstance(errors, dict):
        errors = {"non_field_errors": errors}
    flat = {}
    for name, messages in errors.items():
        messages = messages if isinstance(messages, list) else [messages]
        flat[str(name)] = [str(message) for message in messages]
    return flat


def api_exception_handler(exc, context):
    """DRF's handler, then every 400 reshaped to {detail, errors}. Anything else is a 500."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        errors = _flatten(response.data)
        summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
        response.data = {"detail": summary, "errors": errors}
    return response


class StrictFormatNegotiation(DefaultContentNegotiation):
    """An unknown ``?format=`` is a 400 naming the parameter, not DRF's 404."""

    def filter_renderers(self, renderers, format):
        try:
            return super().filter_renderers(renderers, format)
        except Http404:
            known = ", ".join(renderer.format for renderer in renderers)
            message = f"Unknown format {format!r}; use one of: {known}."
            raise ValidationError({"format": [message]}) from None


class ApiErrorsMixin:
    """For API views: the error shape above and strict ``?format=``."""

    content_negotiation_class = StrictFormatNegotiation

    def get_exception_handler(self):
        return api_exception_handler


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
