"""Notification words written when they are read, in the reader's language.

A notification made in a Celery task or for another user's request would otherwise keep the
language active then. So a producer stores a message key and JSON params with it, and
registers, in its ``AppConfig.ready()``, how to write that key's title in the active language:
``message_register("alerts.firing", firing_message)``, where ``firing_message(params)`` returns
the text (gettext, and core's number formatting, follow the active language). Pages, the API
and the digest then call ``notification_title`` under the reader's language. This app imports
none of its producers: they fill the registry.

The stored ``title`` stays the fallback: rows from before keys, a key no app registers any
more, params its renderer cannot use. A renderer must not query the database (a page writes
twenty of them) and must substitute user text as values into its own translated pattern, never
use it as a pattern: its result is plain text, escaped where it is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notifications.models import Notification

logger = logging.getLogger(__name__)

MESSAGE_KEY_MAX_LENGTH = 64

Renderer = Callable[[dict], str]

_renderers: dict[str, Renderer] = {}


def message_register(key: str, render: Renderer) -> None:
    """Make ``render(params)`` write the title of the notifications stored with ``key``."""
    if not key or len(key) > MESSAGE_KEY_MAX_LENGTH:
        raise ValueError(f"A message key has 1 to {MESSAGE_KEY_MAX_LENGTH} characters: {key!r}")
    _renderers[key] = render


def notification_title(notification: Notification) -> str:
    """The title in the active language when its key is known, else the stored one."""
    render = _renderers.get(notification.message_key) if notification.message_key else None
    if render is None or not isinstance(notification.params, dict):
        return notification.title
    try:
        # A plain str: a SafeString from a renderer would reach the page as HTML.
        return str.__str__(str(render(notification.params)))
    except (AttributeError, LookupError, TypeError, ValueError):  # params another release wrote
        logger.warning(
            "Notification %s: message %r could not be written from its params; stored title shown",
            notification.pk,
            notification.message_key,
            exc_info=True,
        )
        return notification.title
