"""Caching of what anonymous visitors get (pages, API payloads) until the site's data change.

The data an anonymous page shows change when an app says so with ``data_version_bump()``
(markets does after every metrics recompute), which bumps a *data version* kept in the
default cache. Every cached entry's key contains the version it was
built from, so a bump makes all of them unreachable at once; they then simply expire.

In production the cache is Redis, shared by the web processes and the Celery workers, so a
refresh in a worker is seen by every web process at once. With the local-memory cache of
development each process has its own version and the worker's bump is not seen by the web
process: that is why entries also expire after ``PAGE_CACHE_SECONDS`` (10 s by default).

Only anonymous requests use the cache; signed-in users always get fresh responses (they will
see personal things such as watchlist buttons).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "site:data-version"
T = TypeVar("T")


def _version_start() -> int:
    """A first version no earlier one can equal: microseconds since the epoch.

    When the key is missing (never set, evicted, cache flushed) counting starts again from
    here, so entries cached under a version of before can never match by chance (a version
    only goes up by one per recompute, far more slowly than the clock).
    """
    return time.time_ns() // 1_000


# Within a request the version is read once (a page's fragments each need it): set on
# request_started, dropped on request_finished and by a bump. Never kept outside requests.
_in_request = threading.local()


def _request_started(**kwargs) -> None:
    _in_request.version = None
    _in_request.active = True


def _request_finished(**kwargs) -> None:
    _in_request.version = None
    _in_request.active = False


request_started.connect(_request_started, dispatch_uid="core-cache-version-start")
request_finished.connect(_request_finished, dispatch_uid="core-cache-version-finish")


def data_version() -> int:
    """The current data version (created on first use; read once per request)."""
    if getattr(_in_request, "active", False):
        if _in_request.version is None:
            _in_request.version = _data_version_read()
        return _in_request.version
    return _data_version_read()


def _data_version_read() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _version_start(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version if version is not None else _version_start()  # a dummy cache keeps nothing


def data_version_bump() -> int:
    """A new version: every entry cached so far is out of date. Returns the new version."""
    _in_request.version = None
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:  # no version yet
        version = _version_start()
        if cache.add(VERSION_KEY, version, timeout=None):
            return version
        return cache.incr(VERSION_KEY)  # another process created it meanwhile


def data_version_bump_throttled(*, reason: str, seconds: int) -> int | None:
    """A bump, unless one for ``reason`` was made in the last ``seconds`` (then None).

    For changes any signed-in user can repeat quickly (votes): bumping on each would let one
    user keep every cached page empty. A skipped change still reaches anonymous visitors when
    their cached entries expire (PAGE_CACHE_SECONDS, FRAGMENT_CACHE_SECONDS) or at the next
    bump.
    """
    key, now = f"site:data-version-bumped:{reason}", time.time()
    last = cache.get(key)
    if last is not None and 0 <= now - last < seconds:
        return None
    cache.set(key, now, timeout=seconds * 2)  # two at once may both bump: harmless
    return data_version_bump()


# --- Keys ---------------------------------------------------------------------------------


def request_cache_key(kind: str, request, *variant: str) -> str:
    """Key of what ``request`` gets: its absolute URL with the query sorted, the active
    language, ``variant`` (anything else the response depends on) and the data version."""
    # By name only: the values of one name keep their order (the last one is the one read).
    pairs = [(name, value) for name, values in request.GET.lists() for value in values]
    query = sorted(pairs, key=lambda pair: pair[0])
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        repr(query),
        get_language() or "",
        *variant,
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page-cache:{kind}:{data_version()}:{digest}"


def cache_may_serve(request, params: Iterable[str], *, everyone: bool = False) -> bool:
    """Whether this request may get (and fill) a cached response.

    Only anonymous GET and HEAD requests without a session or message cookie, whose query
    parameters are all among ``params`` (the ones the view reads: anything else would let
    anybody fill the cache with copies of a page). With ``everyone``, for responses that
    hold nothing of the visitor (chart data), signed-in requests share them too.
    """
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if everyone:
        return set(request.GET).issubset(params)
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    return set(request.GET).issubset(params)


def _cache_control(response) -> set[str]:
    return {
        part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")
    }


def response_is_shareable(request, response) -> bool:
    """Whether this response may be given to other visitors: a 200 that sets no cookie and
    carries nothing of this visitor (a CSRF token, a session change, a new message)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if _cache_control(response) & {"private", "no-store", "no-cache"}:
        return False
    # The middleware add these cookies only after the view has returned.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a CSRF token went into the page
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "added_new", False)


# --- Pages --------------------------------------------------------------------------------


def anonymous_cached(*, params: Iterable[str] = (), everyone: bool = False) -> Callable:
    """Cache a page view's whole response for anonymous visitors (see the module docstring).

    The key also holds the htmx headers (a partial and the whole page differ) and the demo
    mode. Responses keep ``Vary: Cookie``: signed-in users get another page. ``everyone``:
    the view's response is the same whoever asks (no user, form or CSRF token in it), so
    signed-in visitors share the cached copy as well; still only shareable responses.
    """
    params = frozenset(params)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            if not cache_may_serve(request, params, everyone=everyone):
                response = view(request, *args, **kwargs)
            else:
                key = request_cache_key(
                    "page",
                    request,
                    request.headers.get("HX-Request", ""),
                    request.headers.get("HX-History-Restore-Request", ""),
                    settings.PRICE_PROVIDER,
                )
                response = cache.get(key)
                if response is None:
                    response = view(request, *args, **kwargs)
                    if response_is_shareable(request, response):
                        cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            patch_vary_headers(response, ("Cookie",))
            return response

        return cached_view

    return decorator


# --- Fragments ----------------------------------------------------------------------------


def fragment_cached(kind: str, *variant: object, build: Callable[[], T]) -> T:
    """What ``build()`` returns (rendered HTML, or anything picklable), cached under the data
    version, the active language and ``variant`` (whatever else it depends on: list, sort,
    replayed hour...), for ``FRAGMENT_CACHE_SECONDS`` at most.

    For the market-wide parts of pages that signed-in visitors get too (the page cache
    serves only anonymous ones): never put anything of the visitor in a fragment (a form, a
    CSRF token, their vote), nor anything that changes without a ``data_version_bump()``.
    """
    seconds = settings.FRAGMENT_CACHE_SECONDS
    if seconds <= 0:
        return build()
    parts = [get_language() or "", settings.PRICE_PROVIDER, *map(str, variant)]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    key = f"fragment:{kind}:{data_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value
