"""Django's CommonMiddleware, with its missing-slash redirect made safe for writes."""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.utils.http import escape_leading_slashes


class PermanentRedirectKeepingMethod(HttpResponsePermanentRedirect):
    """308: the client repeats the same method with the same body at the new URL."""

    status_code = 308


class CommonMiddleware(DjangoCommonMiddleware):
    """APPEND_SLASH answers 308, not 301: an API client's POST to ``/api/v1/watchlists``
    is re-sent as a POST to ``/api/v1/watchlists/`` (after a 301 clients send a GET, which
    lists instead of creating), and DEBUG no longer turns such a POST into an error page."""

    response_redirect_class = PermanentRedirectKeepingMethod

    def get_full_path_with_slash(self, request) -> str:
        return escape_leading_slashes(request.get_full_path(force_append_slash=True))
