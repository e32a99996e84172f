"""A display name cannot pass for another member: unique whatever its case, not a
``member-`` handle, nothing invisible (usernames: tests/accounts/test_usernames_stay_private.py)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.services import profile_update

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
migration = importlib.import_module("accounts.migrations.0004_display_names_unique")


def _user(username: str, **fields) -> User:
    return User.objects.create_user(
        username=username, email=f"{username}@example.org", password="x", **fields
    )


def _rename(user: User, display_name: str) -> User:
    return profile_update(
        user=user, display_name=display_name, preferred_language="", email_notifications=True
    )


def _refusal(user: User, display_name: str) -> str:
    with pytest.raises(ValidationError) as error:
        _rename(user, display_name)
    [message] = error.value.message_dict["display_name"]
    return message


@pytest.mark.parametrize("taken", ["Dora the analyst", "DORA THE ANALYST", " dora  the  analyst "])
def test_it_refuses_a_display_name_another_member_has_in_any_case(taken):
    dora = _user("dora", display_name="Dora the analyst")
    bob = _user("bob")

    assert _refusal(bob, taken) == "This name is already used by another member."
    bob.refresh_from_db()
    assert bob.display_name == ""
    assert _rename(dora, taken).display_name == taken.strip().replace("  ", " ")  # hers


@pytest.mark.parametrize("name", ["member-abcdefgh", "Member-x", "MEMBER-"])
def test_it_refuses_the_prefix_of_generated_handles(name):
    bob = _user("bob")

    assert _refusal(bob, name).startswith("A display name cannot start with “member-”")


@pytest.mark.parametrize("character", ["\u00ad", "\u2060", "\u061c", "\U000e0041"])
def test_it_refuses_every_invisible_format_character(character):
    bob = _user("bob")

    assert "not allowed" in _refusal(bob, f"ecila{character}")


def test_the_profile_page_says_the_name_is_taken_in_french(client):
    _user("alice", display_name="alice")
    bob = _user("bob")
    client.force_login(bob)

    data = {"display_name": "Alice", "preferred_language": "fr"}
    with translation.override("fr"):
        response = client.post(PROFILE, data, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    errors = response.context["form"].errors["display_name"]
    assert errors == ["Ce nom est déjà utilisé par un autre membre."]
    bob.refresh_from_db()
    assert bob.display_name == ""


def test_the_database_refuses_a_duplicate_whatever_its_case():
    _user("dora", display_name="Dora")
    with pytest.raises(IntegrityError), transaction.atomic():
        _user("bob", display_name="dORA")
    _user("carol")
    _user("erin")  # empty display names do not clash


def test_the_admin_refuses_another_members_name(client):
    _user("alice", display_name="Alice")
    bob = _user("bob")
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    url = reverse("admin:accounts_user_change", args=[bob.pk])
    data = {
        "username": "bob", "email": "bob@example.org", "display_name": "ALICE",
        "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00", "is_active": "on",
    }  # fmt: skip

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["display_name"] == [
        "This name is already used by another member."
    ]
    bob.refresh_from_db()
    assert bob.display_name == ""


def test_the_migration_clears_names_that_pass_for_someone_else_keeping_the_oldest():
    with connection.cursor() as cursor:  # data from before the constraint (rolled back after)
        cursor.execute("DROP INDEX user_display_name_unique_ci")
    first = _user("first", display_name="Dora")
    second = _user("second", display_name="DORA")
    third = _user("third", display_name="dora")
    alice = _user("alice")
    impostor = _user("bob", display_name="Alice")
    handle = _user("carol", display_name="member-abcdefgh")
    other = _user("erin", display_name="Erin E.")

    migration.deduplicate(apps, None)

    names = dict(User.objects.values_list("pk", "display_name"))
    assert names[first.pk] == "Dora"
    assert names[second.pk] == names[third.pk] == names[impostor.pk] == names[handle.pk] == ""
    assert (names[alice.pk], names[other.pk]) == ("", "Erin E.")


def test_it_refuses_a_name_another_member_has_written_with_a_combining_accent():
    _user("dora", display_name="Caf\u00e9 trader")  # é as one character
    bob = _user("bob")

    assert _refusal(bob, "Cafe\u0301 trader") == "This name is already used by another member."
    assert _rename(bob, "Cafe\u0301 bob").display_name == "Caf\u00e9 bob"  # stored composed


@pytest.mark.parametrize(
    "character",
    [
        "\u034f",  # combining grapheme joiner
        "\u115f",  # Hangul choseong filler
        "\u1160",  # Hangul jungseong filler
        "\u3164",  # Hangul filler
        "\uffa0",  # halfwidth Hangul filler
        "\u2800",  # Braille pattern blank
        "\u17b4",  # Khmer vowel inherent aq
        "\u180b",  # Mongolian free variation selector one
        "\U000e01ef",  # a variation selector of the supplement, alone
    ],
)
def test_it_refuses_a_name_that_only_an_invisible_letter_sets_apart_from_another(character):
    _user("dora", display_name="Dora")
    bob = _user("bob")

    message = _refusal(bob, f"Dora{character}")

    assert message in (
        "This name is already used by another member.",
        "Invisible or direction-changing characters are not allowed.",
    )
    bob.refresh_from_db()
    assert bob.display_name == ""


def test_a_variation_selector_after_an_emoji_is_dropped_not_refused():
    bob = _user("bob")

    assert _rename(bob, "Bob \u2764\ufe0f").display_name == "Bob \u2764"
    assert _refusal(_user("carol"), "Bob \u2764") == "This name is already used by another member."


@pytest.mark.parametrize(
    "lookalike",
    [
        "\uff24\uff4f\uff52\uff41",  # fullwidth Dora
        "\U0001d403\U0001d428\U0001d42b\U0001d41a",  # mathematical bold Dora
        "Dor\u00aa",  # a feminine ordinal indicator for the last a
    ],
)
def test_it_refuses_another_members_name_written_in_compatibility_letters(lookalike):
    _user("dora", display_name="Dora")
    bob = _user("bob")

    assert _refusal(bob, lookalike) == "This name is already used by another member."


@pytest.mark.parametrize(
    "name",
    [
        "D\u043era",  # Cyrillic o
        "D\u03bfra",  # Greek omicron
        "m\u0435mber-abcdefgh",  # a Cyrillic e: a member's handle to the eye
        "\u0410lice trader",  # Cyrillic A
    ],
)
def test_it_refuses_a_word_mixing_latin_greek_or_cyrillic_letters(name):
    bob = _user("bob")

    assert _refusal(bob, name).startswith("Write each word of a display name in one alphabet")


@pytest.mark.parametrize(
    "name",
    [
        "\u0414\u043e\u0440\u0430",
        "\u03a3 trader",
        "Zo\u00eb",
        "\u0394\u03b7\u03bc\u03ae\u03c4\u03c1\u03b7\u03c2 P.",
        "\u674e\u534e Li",
    ],
)
def test_names_in_one_alphabet_per_word_are_welcome(name):
    bob = _user("bob")

    assert _rename(bob, name).display_name == name


@pytest.mark.parametrize(
    "name",
    ["deleted user", "Deleted User", "DELETED  USER", "deleted-user", "DeletedUser",
     "utilisateur supprimé", "Utilisateur  Supprime", "UTILISATEUR SUPPRIMÉ"],
)  # fmt: skip
def test_it_refuses_the_name_a_deleted_account_is_shown_by_in_either_language(name):
    bob = _user("bob")

    assert _refusal(bob, name).startswith("This name is kept for the site")
    bob.refresh_from_db()
    assert bob.display_name == ""


def test_a_name_with_one_of_those_words_alone_is_welcome():
    bob = _user("bob")

    assert _rename(bob, "User of deleted tweets").display_name == "User of deleted tweets"
