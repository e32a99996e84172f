"""Every write on accounts: profile, API token, account deletion, pseudonymous usernames."""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import HANDLE_LENGTH, HANDLE_PREFIX, User
from core.text import character_is_invisible, text_characters_refuse

DISPLAY_NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length


def profile_update(
    *,
    user: User,
    display_name: str,
    preferred_language: str,
    email_notifications: bool,
) -> User:
    """Save the profile fields a user edits themselves; raise ValidationError on bad input."""
    display_name = display_name_clean(user=user, display_name=display_name)
    if preferred_language and preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Unknown language.")})
    user.display_name = display_name
    user.preferred_language = preferred_language
    user.email_notifications = email_notifications
    try:
        with transaction.atomic():
            user.save(update_fields=["display_name", "preferred_language", "email_notifications"])
    except IntegrityError:  # someone took the same name a moment ago
        raise ValidationError({"display_name": _name_taken()}) from None
    return user


def preferred_language_remember(*, user: User, language: str) -> None:
    """Keep the language someone signed up in as their preferred language, unless they
    have one: mail and notifications cannot follow a browser, and were written in English
    to people who had only ever used the site in French. The profile shows and changes it.
    """
    language = (language or "").split("-")[0].lower()
    if user.preferred_language or language not in dict(settings.LANGUAGES):
        return
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def preferred_language_choose(*, user: User, language: str) -> None:
    """The language a signed-in user picked in the header becomes their preferred one, as
    on the profile: else signing in again switched the site back, and notifications and
    mail kept the old language."""
    if language not in dict(settings.LANGUAGES) or user.preferred_language == language:
        return
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


# --- Display names ----------------------------------------------------------------------------


def _name_taken() -> str:
    return _("This name is already used by another member.")


# Variation selectors only choose how the character before them is drawn (an emoji's
# colour form): dropped, so "Dora" followed by one is "Dora".
VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


# Alphabets with letters drawn like Latin ones (Cyrillic U+043E and Greek U+03BF are an "o").
LOOKALIKE_ALPHABETS = frozenset(["LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC"])


def _lookalike_alphabets(word: str) -> set[str]:
    """Which of those alphabets the letters of ``word`` come from (by their Unicode names)."""
    return {
        alphabet
        for character in word
        if unicodedata.category(character).startswith("L")
        and (alphabet := unicodedata.name(character, "").partition(" ")[0]) in LOOKALIKE_ALPHABETS
    }


# Words by which a name would speak for the site: members cannot use them (staff can).
SITE_WORDS = frozenset(
    [
        "admin", "admins", "administrator", "administrators", "administrateur",
        "administrateurs", "moderator", "moderators", "moderateur", "moderateurs",
        "moderation", "staff", "support", "official", "officiel", "system", "systeme",
    ]
)  # fmt: skip
# Names the site shows in a member's place: a deleted account's comments and changes read
# "deleted user" ("utilisateur supprimé" in French), which no member may pose as.
SITE_NAMES = ("deleted user", "utilisateur supprimé")


def _folded_words(text: str) -> list[str]:
    """The words of ``text``, accents, case and punctuation aside."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()
    return re.findall(r"[^\W_]+", folded)


def _site_words(name: str) -> set[str]:
    """What in ``name`` speaks for the site: the words above, and the site's name and the
    names above taken whole, written in one word or several ("aicrash", "AI Crash",
    "ai-crash", "Deleted-User"), never one of their words alone (a site "AI Crash Watch"
    leaves "Crypto AI fan" free)."""
    words = _folded_words(name)
    found = set(words) & SITE_WORDS
    site = "".join(_folded_words(settings.SITE_NAME))
    runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    if site and site in runs:
        found.add(settings.SITE_NAME)
    found.update(name for name in SITE_NAMES if "".join(_folded_words(name)) in runs)
    return found


def display_name_clean(*, user: User, display_name: str) -> str:
    """The display name as stored (spaces collapsed), or a ValidationError on ``display_name``.

    A display name must not pass for someone else: it is unique whatever its case, does
    not start with ``member-`` (the handles people without one are shown by), has no
    invisible or direction-changing character (variation selectors are dropped), and no
    word mixes Latin, Greek or Cyrillic letters ("D", a Cyrillic U+043E, "ra" is "Dora" to
    the eye); only staff may use a word that speaks for the site (admin, moderator, the
    site's name...). Usernames play no part: one chosen by hand is never shown
    (``User.public_name``), so refusing it would only tell which ones exist. It is stored
    in compatibility form (Unicode NFKC): fullwidth or mathematical letters as plain ones,
    "e" followed by a combining accent as "\u00e9", so each is compared with the name it
    looks like.
    """
    display_name = VARIATION_SELECTORS.sub("", display_name)
    # Compatibility forms (fullwidth, mathematical, ligatures...) read as their plain letters.
    display_name = unicodedata.normalize("NFKC", display_name)
    display_name = " ".join(display_name.split())
    if not display_name:
        return ""
    try:
        text_characters_refuse(display_name)  # nothing invisible can disguise a name
    except ValueError as error:
        raise ValidationError({"display_name": str(error)}) from None
    if any(character_is_invisible(character) for character in display_name):
        # Other format characters (soft hyphen, word joiner, tags…) are invisible too.
        raise ValidationError(
            {"display_name": _("Invisible or direction-changing characters are not allowed.")}
        )
    if any(len(_lookalike_alphabets(word)) > 1 for word in display_name.split()):
        raise ValidationError(
            {
                "display_name": _(
                    "Write each word of a display name in one alphabet: Latin, Greek and "
                    "Cyrillic letters look alike, so mixing them could pass for another name."
                )
            }
        )
    if not user.is_staff and _site_words(display_name):
        raise ValidationError(
            {
                "display_name": _(
                    "This name is kept for the site and its moderators: choose one without "
                    "%(words)s."
                )
                % {"words": ", ".join(sorted(_site_words(display_name)))}
            }
        )
    if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            {"display_name": _("At most %(max)d characters.") % {"max": DISPLAY_NAME_MAX_LENGTH}}
        )
    if display_name.lower().startswith(HANDLE_PREFIX):
        raise ValidationError(
            {
                "display_name": _(
                    "A display name cannot start with “%(prefix)s”: the site keeps it for the "
                    "names it makes up. Leave the field empty to be shown by your handle."
                )
                % {"prefix": HANDLE_PREFIX}
            }
        )
    others = User.objects.exclude(pk=user.pk) if user.pk else User.objects.all()
    if others.filter(display_name__iexact=display_name).exists():
        raise ValidationError({"display_name": _name_taken()})
    return display_name


def api_token_regenerate(*, user: User) -> Token:
    """Replace the user's API token: the old key stops working at once."""
    with transaction.atomic():
        # Serialise concurrent regenerations of the same user's token (the token's user is
        # unique): the second waits here, then replaces the first one's new token.
        User.objects.select_for_update().filter(pk=user.pk).first()
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> bool:
    """Delete the user's API token without making another: the key stops working at once.
    Returns whether there was one."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted > 0


def api_token_replace_existing(*, user: User) -> Token | None:
    """After a new password: a user who has an API token gets a new one, so a token taken
    with the old password stops working (as Django ends the other sessions). A user without
    one still has none."""
    if not Token.objects.filter(user=user).exists():
        return None
    return api_token_regenerate(user=user)


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

HANDLE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # lowercase base32


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


def display_names_deduplicate(*, users=None) -> int:
    """Clear the display names that would pass for someone else (migration ``accounts.0004``).

    Cleared: a name starting with ``member-``, a name equal to another account's username,
    and among accounts sharing a name whatever its case, every one but the oldest (lowest
    id) account. Their owners are shown by their handle until they choose another name.
    Returns how many names were cleared. ``users`` is the user model's manager (the
    historical one in a migration).
    """
    users = User.objects if users is None else users
    username_clash = (
        users.annotate(key=Lower("username")).filter(key=OuterRef("key")).exclude(pk=OuterRef("pk"))
    )
    named = (
        users.exclude(display_name="")
        .annotate(key=Lower("display_name"), clash=Exists(username_clash))
        .order_by("pk")
        .values_list("pk", "key", "clash")
    )
    cleared: list[int] = []
    kept: set[str] = set()
    for pk, key, clash in named.iterator():
        if key.startswith(HANDLE_PREFIX) or clash or key in kept:
            cleared.append(pk)
        else:
            kept.add(key)
    for start in range(0, len(cleared), 1000):
        users.filter(pk__in=cleared[start : start + 1000]).update(display_name="")
    return len(cleared)
