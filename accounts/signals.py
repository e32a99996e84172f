"""Follow the user's preferred language from the moment they sign in; give an account with an
API token a new one when its password changes."""

from allauth.account.signals import user_logged_in, user_signed_up
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from accounts.models import User
from accounts.services import (
    api_token_replace_existing,
    api_token_revoke,
    preferred_language_choose,
    preferred_language_remember,
)
from core.language import language_chosen, language_cookie_set


@receiver(post_save, sender=User, dispatch_uid="accounts.api_token_on_new_password")
def api_token_on_new_password(sender, instance: User, created: bool, **kwargs) -> None:
    """A new password replaces the API token: one taken by whoever knew the old password
    stops working. Any way the password is set counts (changed or reset by its owner, set
    by staff in the admin, ``manage.py changepassword``): Django keeps the new raw password
    in ``_password`` from ``set_password`` until the save after it (AbstractBaseUser.save)."""
    disabled = instance.__dict__.pop("_password_disabled", False)
    if created:
        return
    if instance._password is not None:
        api_token_replace_existing(user=instance)
    elif disabled and not instance.has_usable_password():
        # Password sign-in turned off (staff in the admin): the key taken with the password
        # stops working too, and none replaces it, as nobody can ask for one any more.
        api_token_revoke(user=instance)


@receiver(user_signed_up, dispatch_uid="accounts.preferred_language_on_signup")
def preferred_language_on_signup(sender, request, user, **kwargs) -> None:
    """The language of the sign-up page becomes the account's (mail is written in it)."""
    preferred_language_remember(user=user, language=getattr(request, "LANGUAGE_CODE", ""))


@receiver(language_chosen, dispatch_uid="accounts.preferred_language_on_switch")
def preferred_language_on_switch(sender, request, language: str, **kwargs) -> None:
    """The header's language switch, used while signed in, changes the account's language."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        preferred_language_choose(user=user, language=language)


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
