"""Reads used by the account pages."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from rest_framework.authtoken.models import Token

from accounts.models import User


def email_address_primary(*, user: User) -> EmailAddress | None:
    """The user's primary email address as allauth tracks it (with its verified flag)."""
    return EmailAddress.objects.filter(user=user, primary=True).first()


def api_token_for(*, user: User) -> Token | None:
    """The user's API token, if they have one (reading never creates one)."""
    return Token.objects.filter(user=user).first()
