"""Base views for the apps' JSON APIs: the error shape, JSON in and out, page numbers."""

from __future__ import annotations

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
