"""Sending a visitor to sign in, htmx-aware: shared by the apps' signed-in-only views."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


def login_redirect(request, *, back: str) -> HttpResponse:
    """The sign-in page, then ``back``. For an htmx request the whole page goes there
    (HX-Redirect), back to the page the person was on: following a redirect, htmx would swap
    the sign-in page into the fragment it was updating."""
    if getattr(request, "htmx", False):
        back = request.htmx.current_url_abs_path or back
        login = resolve_url(settings.LOGIN_URL)
        return HttpResponseClientRedirect(f"{login}?{urlencode({'next': back})}")
    return redirect_to_login(back)
