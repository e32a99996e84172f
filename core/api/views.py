"""Base views for the apps' JSON APIs: the error shape, JSON in and out, page numbers."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer

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
