import base64
import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

HANDLE_PREFIX = "member-"  # the handles made up for people (accounts.services)
HANDLE_LENGTH = 8  # lowercase base32 characters after the prefix: 32**8, about 10**12
HANDLE_PATTERN = re.compile(rf"{HANDLE_PREFIX}[a-z2-7]{{{HANDLE_LENGTH}}}")


def account_handle(*, pk: int) -> str:
    """The ``member-`` handle an account whose username was chosen by hand (staff, for the
    admin and the API) is shown by: derived from the account's id with the secret key, so
    it is stable, tells nothing of the username and nobody can work it out."""
    digest = salted_hmac("accounts.User.public_handle", str(pk)).digest()
    return HANDLE_PREFIX + base64.b32encode(digest[:5]).decode("ascii").lower()


class User(AbstractUser):
    """The project's user; kept custom from the first migration so it can grow safely.

    People sign in with their email address (django-allauth); ``username`` is a pseudonymous
    handle filled in at sign-up (``accounts.adapter``), shown to others when there is no
    display name, and used by the admin and ``POST /api/v1/auth/token/``. A username that
    is not such a handle (staff choose theirs) is a sign-in name and is never shown.
    """

    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown to other people instead of your email address."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow your browser's language."),
    )
    email_notifications = models.BooleanField(
        _("email notifications"),
        default=True,
        help_text=_("Send me alert notifications by email."),
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            # Nobody signs as someone else: one display name per person, whatever its case.
            models.UniqueConstraint(
                Lower("display_name"),
                condition=~Q(display_name=""),
                name="user_display_name_unique_ci",
                violation_error_message=_("This name is already used by another member."),
            ),
        ]

    def set_unusable_password(self) -> None:
        """As Django's, noting it for the save after it (``accounts.signals``): turning the
        password off revokes the API token taken with it."""
        super().set_unusable_password()
        self._password_disabled = True

    def clean(self) -> None:
        """The admin's checks: the profile's rules on the display name."""
        from accounts.services import display_name_clean

        super().clean()
        self.display_name = display_name_clean(user=self, display_name=self.display_name)

    @property
    def public_name(self) -> str:
        """The name shown to other people: never the email address, nor a username chosen
        by hand (a sign-in name), which shows as a handle derived from the account."""
        if self.display_name:
            return self.display_name
        if HANDLE_PATTERN.fullmatch(self.username):
            return self.username
        return account_handle(pk=self.pk)


def user_display(user) -> str:
    """How allauth names a user in its messages (ACCOUNT_USER_DISPLAY)."""
    return user.public_name


API_TOKEN_PREFIX_LENGTH = 4  # what is shown of a key that is not shown whole (of 40)


class ApiToken(TokenProxy):
    """DRF's API token as staff see it in the admin: named by its first characters, never
    by the whole key (DRF's own admin names each token by its key)."""

    class Meta:
        proxy = True
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.key[:API_TOKEN_PREFIX_LENGTH]}\u2026"
