"""Base views for the apps' JSON APIs: the error shape, JSON in and out, page numbers."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.errors import ApiErrorsMixin
from core.api.pagination import ApiPageNumberPagination
from core.api.parsers import JSONParser


class JsonApiView(ApiErrorsMixin, generics.GenericAPIView):
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    filter_backends: list = []
    pagination_class = ApiPageNumberPagination


class OwnerApiView(JsonApiView):
    """What a signed-in user owns: subclasses look objects up through their app's owner-scoped
    selector, so anyone else's object is a 404."""

    permission_classes = [IsAuthenticated]

    def finalize_response(self, request, response, *args, **kwargs):
        """Never stored by a browser or a proxy, as the pages showing the same are not."""
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class SchemaView(ApiErrorsMixin, SpectacularAPIView):
    """The OpenAPI schema (YAML, or JSON with ``?format=json``) with the API's errors: an
    unknown or empty ``?format=`` is a 400 naming it, an Accept header it cannot serve a 406,
    both JSON like every other route (drf-spectacular alone answered a 404 rendered in YAML)."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and getattr(response, "exception", False):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
