"""The language cookie that carries a user's preferred language to LocaleMiddleware.

Django picks the language from the ``django_language`` cookie (``LANGUAGE_COOKIE_NAME``)
before the browser's Accept-Language header, so writing that cookie when a user signs in or
saves their profile is enough to follow their preference on every device, with no custom
middleware. The cookie uses the same attributes as Django's own ``set_language`` view.
"""

from django.conf import settings
from django.dispatch import Signal
from django.http import HttpResponseBase
from django.utils.translation import get_language

# Sent by the header's language switch with ``request`` and ``language`` (one of LANGUAGES)
# when a person chose it on this site: accounts keeps it as a signed-in user's language, so
# signing in again does not switch back and mail follows the choice.
language_chosen = Signal()


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


def localized(english: str, french: str) -> str:
    """The French text on French pages when there is one, else the English."""
    return french if french and (get_language() or "").startswith("fr") else english


def localized_property(field: str) -> property:
    """``display_<x> = localized_property("x")``: the model's ``x`` or ``x_fr`` by language."""
    return property(lambda self: localized(getattr(self, field), getattr(self, f"{field}_fr")))
