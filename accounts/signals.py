"""Follow the user's preferred language from the moment they sign in; give every account its
API token, and a new one when its password changes."""

from allauth.account.signals import (
    password_changed,
    password_reset,
    password_set,
    user_logged_in,
    user_signed_up,
)
from django.dispatch import receiver
from django.utils import translation

from accounts.services import (
    api_token_get_or_create,
    api_token_replace_existing,
    preferred_language_remember,
)
from core.language import language_cookie_set


@receiver(user_signed_up, dispatch_uid="accounts.api_token_on_signup")
def api_token_on_signup(sender, request, user, **kwargs) -> None:
    """Every account gets its API token when it is made (pages only read it)."""
    api_token_get_or_create(user=user)


@receiver(password_changed, dispatch_uid="accounts.api_token_on_password_changed")
@receiver(password_reset, dispatch_uid="accounts.api_token_on_password_reset")
@receiver(password_set, dispatch_uid="accounts.api_token_on_password_set")
def api_token_on_new_password(sender, request, user, **kwargs) -> None:
    """A new password (changed, reset from the emailed link, or set) replaces the API token:
    one taken by whoever knew the old password stops working."""
    api_token_replace_existing(user=user)


@receiver(user_signed_up, dispatch_uid="accounts.preferred_language_on_signup")
def preferred_language_on_signup(sender, request, user, **kwargs) -> None:
    """The language of the sign-up page becomes the account's (mail is written in it)."""
    preferred_language_remember(user=user, language=getattr(request, "LANGUAGE_CODE", ""))


@receiver(user_logged_in, dispatch_uid="accounts.preferred_language_on_login")
def preferred_language_on_login(sender, request, user, response=None, **kwargs) -> None:
    """Write the language cookie on allauth's post-login response.

    allauth sends ``user_logged_in`` with the response it is about to return (the redirect
    after signing in), so the cookie can be set here without any middleware. Activating the
    language also makes allauth's "signed in" message read in that language.
    """
    language = getattr(user, "preferred_language", "")
    if not language or response is None:
        return
    language_cookie_set(response, language=language)
    translation.activate(language)
