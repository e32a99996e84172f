"""The per-account lockout after failed sign-ins, shared by every way in.

allauth counts the failures of its sign-in form under ``login_failed`` (5 in 5 minutes per
account, 10 a minute per client address) with the key ``<site domain>:<login>``, the login
being the email people sign in with. The API token endpoint and the admin's sign-in form
count theirs under the same key, so failures anywhere lock the account everywhere; while it
is locked even the right password is refused.
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site


def account_login(login: str) -> tuple[str, str | None]:
    """(username to authenticate, email of the account or None) for an email, or for a staff
    member's admin username. Members sign in with their email only: their username is the
    public handle their comments show, which must not be a sign-in name to guess against,
    nor a way to lock their account: theirs resolves to a username nobody has (the password
    check fails as for a stranger, hashing all the same) and no email."""
    users = get_user_model().objects
    if "@" in login:
        row = users.filter(email__iexact=login).values_list("username", "email").first()
        return (row[0], row[1] or None) if row else (login, login)
    row = users.filter(username=login, is_staff=True).values_list("username", "email").first()
    if row is None:  # nobody, or a member's handle: their failures count under what was typed
        return ("", None) if users.filter(username=login).exists() else (login, None)
    return row[0], (row[1] or None)


def lockout_key(request, *, login: str, email: str | None) -> str:
    """The key allauth's sign-in form counts failures under: the site's domain and the
    account's email (``account_login``'s, what that form is given), else the login as typed."""
    return f"{get_current_site(request).domain}:{(email or login).lower()}"


def login_locked(request, *, key: str) -> bool:
    """Whether one more failure would go over the limits: refuse before checking a password."""
    return not ratelimit.consume(request, action="login_failed", key=key, dry_run=True)


def login_failure_record(request, *, key: str) -> None:
    ratelimit.consume(request, action="login_failed", key=key)


class AccountLocked(Exception):
    """The account is locked by failed sign-ins: no password is checked until it expires."""


def password_check_counted(request, *, user, password: str) -> bool:
    """Whether ``password`` is ``user``'s, checked under the sign-in lockout: raises
    AccountLocked while the account is locked, and a wrong password counts as a failed
    sign-in. For the pages that ask a signed-in person for their password (account
    deletion, password change): without it a held session could guess it there, beyond
    the lockout."""
    email = user.email or None
    key = lockout_key(request, login=email or user.get_username(), email=email)
    if login_locked(request, key=key):
        raise AccountLocked
    if user.check_password(password):
        return True
    login_failure_record(request, key=key)
    return False
