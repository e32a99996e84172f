from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictSerializer
from notifications.models import Notification


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


class NotificationSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField(
        read_only=True,
        help_text="The page it is about, as an absolute URL; empty when there is none.",
    )

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class MarkAllReadSerializer(StrictSerializer):
    up_to = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Id of the newest notification you listed: only those up to it are marked "
        "read, so one that arrived since stays unread. Without it, all your unread ones.",
    )
