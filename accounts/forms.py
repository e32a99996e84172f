from allauth.account.adapter import get_adapter
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.login_lockout import (
    AccountLocked,
    account_login,
    lockout_key,
    login_failure_record,
    login_locked,
    password_check_counted,
)

LOCKED_MESSAGE = _("Too many failed login attempts. Try again later.")  # allauth's words


def _password_matches(request, user: User, password: str) -> bool:
    """The password check of a signed-in person's form, under the sign-in lockout."""
    if request is None:
        return user.check_password(password)
    try:
        return password_check_counted(request, user=user, password=password)
    except AccountLocked:
        raise forms.ValidationError(LOCKED_MESSAGE, code="too_many_login_attempts") from None


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        required=False,
        help_text=_("Shown to other people instead of your email address."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("Follow my browser")), *settings.LANGUAGES],
        required=False,
        help_text=_("Pages appear in this language when you are signed in."),
    )
    email_notifications = forms.BooleanField(
        label=_("Email me when my alerts trigger"),
        required=False,
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> "ProfileForm":
        return cls(
            data,
            initial={
                "display_name": user.display_name,
                "preferred_language": user.preferred_language,
                "email_notifications": user.email_notifications,
            },
        )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # Like allauth's password change: a stolen session must not guess the password.
        if self.request is not None and not ratelimit.consume(
            self.request, action="delete_account", user=self.user
        ):
            raise forms.ValidationError(
                _("Too many attempts. Try again later."), code="rate_limited"
            )
        if not _password_matches(self.request, self.user, password):
            raise forms.ValidationError(
                _("This is not your password: your account was not deleted."),
                code="password_incorrect",
            )
        return password


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form under the sign-in page's lockout (core.login_lockout): its
    failures count against the account and the client address like the page's, and a locked
    account is refused here too, right password or not. Without it the admin's form was a
    way to guess staff passwords without limit."""

    def clean(self):
        if self.request is None:  # no client to count for (the admin always gives it)
            return super().clean()
        login = self.cleaned_data.get("username") or ""
        _username, email = account_login(login)
        key = lockout_key(self.request, login=login, email=email)
        if login_locked(self.request, key=key):
            # allauth's own words (and translation), as on the sign-in page.
            raise forms.ValidationError(LOCKED_MESSAGE, code="too_many_login_attempts")
        try:
            return super().clean()
        except forms.ValidationError:
            login_failure_record(self.request, key=key)
            raise


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, as slow for an address that already has an account as for a
    new one. With mandatory verification both get the same "check your email" page, but a
    new account hashes its password (PBKDF2, about 0.4 s) while a taken address answered at
    once: the time alone told whether an address has an account. The password given is
    hashed and thrown away, like Django's sign-in does for an unknown user."""

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)


class ChangePasswordForm(AllauthChangePasswordForm):
    """allauth's password change, whose current-password check counts towards the sign-in
    lockout (core.login_lockout) like the sign-in page's, and is refused while the account
    is locked."""

    def clean_oldpassword(self) -> str:
        password = self.cleaned_data.get("oldpassword", "")
        if not _password_matches(allauth_context.request, self.user, password):
            raise get_adapter().validation_error("enter_current_password")
        return password
