"""Session authentication whose CSRF refusal speaks the client's language.

DRF's says ``CSRF Failed: <Django's reason>`` in English whatever the client's language;
Django logs the reason (``django.security.csrf``), the client is told what to send.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            message = _(
                "CSRF check failed: send the value of the csrftoken cookie in the X-CSRFToken "
                "header."
            )
            raise exceptions.PermissionDenied(message) from None


class SessionAuthenticationScheme(SessionScheme):
    """The schema documents it as drf-spectacular does DRF's (cookieAuth)."""

    target_class = SessionAuthentication
