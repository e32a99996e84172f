"""Error pages that still work when what pages need is broken.

- ``/api/…``: always JSON in the API's shape (``{"detail": …}``), 404 and 500 included.
- The database unreachable (``OperationalError``/``InterfaceError``): a translated 503 page
  (or JSON 503) instead of a bare 500, with a log line.
- Pages: a standalone template (no base layout, no context processors, no ``{% static %}``),
  so an error page never needs the database, the session or the static manifest.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _stylesheet_url() -> str:
    from django.templatetags.static import static

    try:
        return static("css/site.css")
    except Exception:  # a missing static manifest must not break the error page too
        return ""


def error_page(request, *, status: int, title: str, message: str) -> HttpResponse:
    try:
        body = render_to_string(
            "core/error.html",
            {"title": title, "message": message, "stylesheet": _stylesheet_url()},
        )
    except Exception:
        logger.exception("Rendering the error page failed")
        body = f"{title}\n\n{message}\n"
        return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=status)


def database_unavailable(request, exc: BaseException) -> HttpResponse:
    logger.error("Database unavailable, answering 503: %s", type(exc).__name__)
    message = _("The service is temporarily unavailable. Please try again in a few minutes.")
    if is_api(request):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = error_page(request, status=503, title=_("Service unavailable"), message=message)
    response["Retry-After"] = "30"
    return response


def request_too_large_message() -> str:
    limit = number_format(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, force_grouping=True)
    return _("The request body is too large: at most %(limit)s bytes are accepted.") % {
        "limit": limit
    }


def bad_request(request, exception=None):
    """handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 that says the limit; other
    refused requests a 400; JSON on the API, a standalone page elsewhere."""
    if isinstance(exception, RequestDataTooBig):
        status, title = 413, _("Request too large")
        message = request_too_large_message()
    else:
        status, title = 400, _("Bad request")
        message = _("The request could not be understood.")
    if is_api(request):
        body = {"detail": message}
        if status == 400:  # every API 400 has errors (core/api/errors.py): here the request
            body["errors"] = {api_settings.NON_FIELD_ERRORS_KEY: [message]}
        return JsonResponse(body, status=status)
    return error_page(request, status=status, title=title, message=message)


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a form sent from a page that went stale (signed in or out in
    another tab, a session that expired) gets a 403 that says what to do, in the reader's
    language; Django's own page is English, unstyled and inline-styled (which the CSP
    blocks). JSON on the API."""
    message = _(
        "This form has expired, for example because you signed in or out in another tab. "
        "Go back, reload the page and send it again."
    )
    if is_api(request):
        return JsonResponse({"detail": message}, status=403)
    return error_page(request, status=403, title=_("Form expired"), message=message)


def page_not_found(request, exception=None):
    """handler404: JSON on the API, the site's 404 page elsewhere."""
    if is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: a 503 when the database is down, JSON on the API, a standalone page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable(request, exc)
    message = _("Something went wrong on our side; it was logged. Please try again later.")
    if is_api(request):
        return JsonResponse({"detail": message}, status=500)
    return error_page(request, status=500, title=_("Server error"), message=message)


class DatabaseUnavailableMiddleware:
    """A view (or its template) that cannot reach the database gets the 503, in DEBUG too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


class MethodNotAllowedPageMiddleware:
    """A page address that only takes forms (``require_POST``), visited with GET: a page that
    says so instead of the browser's blank 405. Sign-in after a form sent with an expired
    session leads there (``?next=`` is the form's address). The API keeps its JSON 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method not in ("GET", "HEAD")
            or is_api(request)
            or response.streaming
            or response.content
        ):
            return response
        message = _(
            "This address only receives forms sent from a page. If you were asked to sign in "
            "while sending one, go back, reload the page and send it again."
        )
        page = error_page(request, status=405, title=_("Nothing to show here"), message=message)
        page["Allow"] = response["Allow"]
        return page
