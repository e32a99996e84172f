"""Serializer bases for API writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictFieldsMixin:
    """A body field the serializer does not know is a 400 naming it, not silently ignored
    (a typo such as ``is_publik`` would otherwise look like a success)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = set(self.fields)
            unknown = sorted(str(name) for name in data if name not in known)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """``serializers.Serializer`` that refuses unknown fields."""
