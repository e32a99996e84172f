"""Path parameters of the API, for the OpenAPI docs: one definition for every app using them."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

SYMBOL_PARAM = OpenApiParameter(
    "symbol",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Token symbol, any case.",
    examples=[OpenApiExample("Bittensor", value="TAO")],
)
SLUG_PARAM = OpenApiParameter(
    "slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Slug of a public list.",
    examples=[OpenApiExample("AI tokens", value="ai")],
)
