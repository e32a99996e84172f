"""Checks of the shared plumbing for /healthz: cache, static files, and a memo for slow ones.

Each returns ``{"ok": bool, "error": str | None}`` and never raises.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.core.cache import cache

logger = logging.getLogger(__name__)

STATIC_PROBE = "css/site.css"  # a file every page links


def _describe(exc: BaseException) -> str:
    # /healthz is public: name the failure, not the hosts and paths inside its message.
    return type(exc).__name__


def health_cache() -> dict:
    """Whether the cache answers. Pages work without it (slower): report, don't fail."""
    client = getattr(cache, "_cache", None)
    probe = getattr(client, "is_available", None)
    if probe is None:  # local memory and the like: always there
        return {"ok": True, "error": None}
    if probe():
        return {"ok": True, "error": None}
    return {"ok": False, "error": "unreachable"}


def health_static() -> dict:
    """Whether pages can link their static files (collected, manifest present)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        staticfiles_storage.url(STATIC_PROBE)
    except Exception as exc:
        logger.error("Health check: static files unavailable: %s", exc)
        return {"ok": False, "error": _describe(exc)}
    return {"ok": True, "error": None}


class Memo:
    """Keep a check's result for ``seconds`` (per process): /healthz may be polled often.

    ``memo(check)`` runs ``check`` at most once per period (another check function, e.g. a
    replaced one, starts afresh).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.check: Callable[[], dict] | None = None
        self.value: dict | None = None
        self.at = 0.0

    def __call__(self, check: Callable[[], dict]) -> dict:
        with self.lock:
            expired = time.monotonic() - self.at >= self.seconds
            if self.value is None or expired or check is not self.check:
                self.value = check()
                self.check = check
                self.at = time.monotonic()
            return self.value

    def forget(self) -> None:
        with self.lock:
            self.value = None
