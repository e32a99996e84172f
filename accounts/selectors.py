"""Reads used by the account pages."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from allauth.account.models import EmailAddress
from rest_framework.authtoken.models import Token

from accounts.models import API_TOKEN_PREFIX_LENGTH, HANDLE_PATTERN, User, account_handle


def email_address_primary(*, user: User) -> EmailAddress | None:
    """The user's primary email address as allauth tracks it (with its verified flag)."""
    return EmailAddress.objects.filter(user=user, primary=True).first()


def api_token_for(*, user: User) -> Token | None:
    """The user's API token, if they have one (reading never creates one)."""
    return Token.objects.filter(user=user).first()


@dataclass(frozen=True)
class ApiTokenShown:
    """What the account page shows of the user's API token: its first characters and when
    it was made, and the whole key only on the page right after it was created."""

    prefix: str
    created: datetime
    key: str | None = None


def api_token_shown(*, user: User, new_key: str | None = None) -> ApiTokenShown | None:
    """The user's API token as the account page shows it, None if they have none.

    ``new_key`` is the key just created for them (``accounts.views.api_token_regenerate``):
    shown whole if it is still their token, once; any other time only its start, like a
    password, so a later look at the page (a shoulder, a screenshot, a borrowed session)
    does not give it away."""
    token = api_token_for(user=user)
    if token is None:
        return None
    return ApiTokenShown(
        prefix=token.key[:API_TOKEN_PREFIX_LENGTH],
        created=token.created,
        key=token.key if new_key is not None and new_key == token.key else None,
    )


def user_by_shown_name(*, name: str) -> User | None:
    """The account staff mean by ``name``: first the name people see, a display name
    (whatever its case and spacing) or a ``member-`` handle, including the handle an account
    with a hand-chosen username is shown by (``User.public_name``); else a username typed
    as such (staff know theirs). None if no account has it."""
    name = " ".join(unicodedata.normalize("NFKC", name).split())
    if not name:
        return None
    user = User.objects.filter(display_name__iexact=name).first()
    if user is None and HANDLE_PATTERN.fullmatch(name):
        user = User.objects.filter(username=name).first()
        if user is None:  # the few accounts whose username is not a handle
            named = User.objects.exclude(username__regex=rf"^{HANDLE_PATTERN.pattern}$")
            pk = next(
                (pk for pk in named.values_list("pk", flat=True) if account_handle(pk=pk) == name),
                None,
            )
            user = User.objects.filter(pk=pk).first() if pk is not None else None
    return user or User.objects.filter(username=name).first()
