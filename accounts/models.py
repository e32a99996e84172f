from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The project's user; kept custom from the first migration so it can grow safely.

    People sign in with their email address (django-allauth); ``username`` is a pseudonymous
    handle filled in at sign-up (``accounts.adapter``), shown to others when there is no
    display name, and used by the admin and ``POST /api/v1/auth/token/``.
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

    def clean(self) -> None:
        """The admin's checks: the profile's rules on the display name, and no username
        another member shows as their display name."""
        from accounts.services import display_name_clean, username_taken_as_display_name

        super().clean()
        self.display_name = display_name_clean(user=self, display_name=self.display_name)
        if self.username and username_taken_as_display_name(user=self):
            raise ValidationError({"username": _("This name is already used by another member.")})

    @property
    def public_name(self) -> str:
        """The name shown to other people: never the email address."""
        return self.display_name or self.username


def user_display(user) -> str:
    """How allauth names a user in its messages (ACCOUNT_USER_DISPLAY)."""
    return user.public_name
