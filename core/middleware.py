"""Django's CommonMiddleware with its missing-slash redirect made safe for writes, and
signed-in pages kept out of shared caches."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.utils.cache import patch_cache_control
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


class PrivateWhenSignedInMiddleware:
    """A page served to a visitor with a session (signed in) is ``Cache-Control: private``
    unless its view said otherwise: it carries their name, their forms and CSRF token, which
    a shared proxy must not keep for the next visitor (``Vary: Cookie`` alone leaves that to
    the proxy). The session cookie decides, not the user: responses cached for everyone
    (chart data) must not cost a session query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and not response.has_header(
            "Cache-Control"
        ):
            patch_cache_control(response, private=True)
        return response
