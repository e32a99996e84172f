"""Reads used by the account pages."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from accounts.models import User


def email_address_primary(*, user: User) -> EmailAddress | None:
    """The user's primary email address as allauth tracks it (with its verified flag)."""
    return EmailAddress.objects.filter(user=user, primary=True).first()
