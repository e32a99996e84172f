"""The API's authentication: DRF's token and session classes, adjusted.

- The token is taken as ``Authorization: Token <key>`` and as ``Bearer <key>``, which many
  HTTP clients send: DRF took the latter for no credentials at all.
- Session authentication's CSRF refusal speaks the client's language: DRF's says
  ``CSRF Failed: <Django's reason>`` in English; Django logs the reason
  (``django.security.csrf``), the client is told what to send.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if parts and parts[0].lower() == b"bearer":
            self.keyword = "Bearer"  # an instance per request (APIView.get_authenticators)
        return super().authenticate(request)


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
