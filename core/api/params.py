"""Path parameters of the API, for the OpenAPI docs: one definition for every app using them."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param

SYMBOL_PARAM = OpenApiParameter(
    "symbol",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Token symbol, any case.",
    examples=[OpenApiExample("Bittensor", value="TAO")],
)
# What Django's slug converter and SlugField accept (the server refuses anything else).
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
SLUG_SCHEMA = {"type": "string", "pattern": SLUG_PATTERN}
# An ISO 8601 date or date-time (markets.api.filters.instant_parse).
INSTANT_SCHEMA = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
}

SLUG_PARAM = OpenApiParameter(
    "slug",
    SLUG_SCHEMA,
    OpenApiParameter.PATH,
    description="Slug of a public list.",
    examples=[OpenApiExample("AI tokens", value="ai")],
)


class QueryParams(serializers.Serializer):
    """Query parameters validated as given: ``?ordering=`` is an empty value (a 400 where the
    field refuses it, as the schema's enums and formats do), not a missing one as DRF's form
    handling would have it."""

    def __init__(self, instance=None, data=empty, **kwargs):
        if hasattr(data, "dict"):  # a QueryDict: one value per name, the last one
            data = data.dict()
        super().__init__(instance, data=data, **kwargs)


def link_without_format(url: str) -> str:
    """A link of an answer (``url``, ``next``…) without ``?format=``: a link names a resource;
    its representation is for the client following it to choose (``Accept`` or its own
    ``?format=``). DRF copies the format of the request into every link it builds."""
    name = api_settings.URL_FORMAT_OVERRIDE
    return remove_query_param(url, name) if name and url else url
