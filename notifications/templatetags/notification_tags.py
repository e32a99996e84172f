from django import template
from django.conf import settings

from notifications.selectors import notifications_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in user's unread count (one query, once per request)."""
    if "unread_count" in context:
        return context["unread_count"]
    request = context.get("request")
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return 0
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = notifications_unread_count(user=user)
    return request._unread_notifications


@register.simple_tag
def bell_poll_seconds() -> int:
    """How often the bell asks for the unread count (a setting, so tests can shorten it)."""
    return int(getattr(settings, "NOTIFICATIONS_POLL_SECONDS", 30))
