"""Every write on accounts: profile, API token, account deletion, pseudonymous usernames."""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import User
from core.text import text_characters_refuse

DISPLAY_NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length


def profile_update(
    *,
    user: User,
    display_name: str,
    preferred_language: str,
    email_notifications: bool,
) -> User:
    """Save the profile fields a user edits themselves; raise ValidationError on bad input."""
    display_name = display_name.strip()
    try:
        text_characters_refuse(display_name)  # nothing invisible can disguise a name
    except ValueError as error:
        raise ValidationError({"display_name": str(error)}) from None
    if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            {"display_name": _("At most %(max)d characters.") % {"max": DISPLAY_NAME_MAX_LENGTH}}
        )
    if preferred_language and preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Unknown language.")})
    user.display_name = display_name
    user.preferred_language = preferred_language
    user.email_notifications = email_notifications
    user.save(update_fields=["display_name", "preferred_language", "email_notifications"])
    return user


def api_token_get_or_create(*, user: User) -> Token:
    """The user's REST API token (one per user), created the first time it is asked for."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


def api_token_regenerate(*, user: User) -> Token:
    """Replace the user's API token: the old key stops working at once."""
    with transaction.atomic():
        # Serialise concurrent regenerations of the same user's token (the token's user is
        # unique): the second waits here, then replaces the first one's new token.
        User.objects.select_for_update().filter(pk=user.pk).first()
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def account_delete(*, user: User) -> None:
    """Delete the user and everything personal they own.

    Personal data hang off the user by foreign keys with ``on_delete=CASCADE`` and go with
    the row in one transaction: the API token, allauth's email addresses, watchlists (and
    their positions and alerts), notifications.

    Content meant to outlive its author is not personal data and must not cascade. When
    discussion comments arrive, reassign them here, before the delete and inside the same
    transaction (for example to a "deleted user" placeholder, or by nulling the author with
    ``on_delete=SET_NULL``), so that deleting an account never deletes a discussion.
    """
    with transaction.atomic():
        user.delete()


# --- Usernames --------------------------------------------------------------------------------

HANDLE_PREFIX = "member-"
HANDLE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # lowercase base32
HANDLE_LENGTH = 8  # 32**8: about 10**12 handles


def username_pseudonym_generate(*, users=None) -> str:
    """A fresh ``member-xxxxxxxx`` username, unused (in any case), derived from nothing.

    ``users`` is the user model's manager (the historical one in a migration).
    """
    users = User.objects if users is None else users
    for _attempt in range(20):
        handle = HANDLE_PREFIX + "".join(
            secrets.choice(HANDLE_ALPHABET) for _position in range(HANDLE_LENGTH)
        )
        if not users.filter(username__iexact=handle).exists():
            return handle
    raise RuntimeError("No unused username after 20 draws.")  # pragma: no cover


def _email_username_base(email: str) -> str:
    """The base django-allauth's ``generate_unique_username`` makes of an email address: its
    local part, ASCII-folded, lowercased, keeping word characters, spaces (as ``_``) and
    ``@+.-``."""
    text = unicodedata.normalize("NFKD", email).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s@+.-]", "", text).lower().split("@")[0].strip()
    return re.sub(r"\s+", "_", text)


def username_derived_from_email(*, username: str, email: str) -> bool:
    """Whether ``username`` starts with what allauth derives from ``email`` (its local part)."""
    base = _email_username_base(email or "")
    return bool(base) and username.lower().startswith(base)


def usernames_pseudonymize(*, users=None) -> int:
    """Give every non-staff account whose username shows its email's local part a pseudonym.

    Staff and superusers keep theirs (they sign in to the admin with it). Returns how many
    usernames changed. ``users`` is the user model's manager (the historical one in a
    migration).
    """
    users = User.objects if users is None else users
    changed = 0
    accounts = users.filter(is_staff=False, is_superuser=False).exclude(email="")
    for user in accounts.only("pk", "username", "email").order_by("pk").iterator():
        if username_derived_from_email(username=user.username, email=user.email):
            user.username = username_pseudonym_generate(users=users)
            user.save(update_fields=["username"])
            changed += 1
    return changed
