from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int | None:
    """The unread count when the view has it (the inbox, the bell's own URL); otherwise
    None, and the bell fetches it right after the page loads: pages pay no query for it."""
    return context.get("unread_count")


@register.simple_tag
def bell_poll_seconds() -> int:
    """How often the bell asks for the unread count (a setting, so tests can shorten it)."""
    return int(getattr(settings, "NOTIFICATIONS_POLL_SECONDS", 30))
