from rest_framework import serializers

from core.api.serializers import AbsoluteUrlField, StrictSerializer
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        source="display_title",
        read_only=True,
        help_text="In the request's language (Accept-Language), whatever the language it was "
        "made in; a notification from before that was possible keeps its first words.",
    )
    url = AbsoluteUrlField(
        source="link",
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
