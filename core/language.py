"""The language cookie that carries a user's preferred language to LocaleMiddleware.

Django picks the language from the ``django_language`` cookie (``LANGUAGE_COOKIE_NAME``)
before the browser's Accept-Language header, so writing that cookie when a user signs in or
saves their profile is enough to follow their preference on every device, with no custom
middleware. The cookie uses the same attributes as Django's own ``set_language`` view.
"""

from django.conf import settings
from django.http import HttpResponseBase


def language_cookie_set(response: HttpResponseBase, *, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def language_cookie_delete(response: HttpResponseBase) -> None:
    """Forget the choice: the browser's Accept-Language header applies again."""
    response.delete_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
