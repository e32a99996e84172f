"""Migration accounts.0005: existing display names are stored composed (NFC)."""

import importlib

from django.apps import apps

from accounts.models import User

migration = importlib.import_module("accounts.migrations.0005_display_names_composed")


def named(username: str, display_name: str) -> User:
    user = User.objects.create_user(username=username, email=f"{username}@example.org")
    User.objects.filter(pk=user.pk).update(display_name=display_name)  # as stored before
    return user


def test_names_are_composed_and_a_clash_keeps_the_oldest_account(db):
    oldest = named("a", "Cafe\u0301 trader")  # decomposed, looks like the next one
    younger = named("b", "CAF\u00c9 TRADER")
    other = named("c", "Cre\u0300me")
    plain = named("d", "Ines")

    migration.compose(apps, None)

    names = dict(User.objects.values_list("pk", "display_name"))
    assert names[oldest.pk] == "Caf\u00e9 trader"
    assert names[younger.pk] == ""  # shown by its handle until it picks another name
    assert names[other.pk] == "Cr\u00e8me"
    assert names[plain.pk] == "Ines"


def test_an_older_decomposed_name_takes_its_place_from_a_younger_composed_one(db):
    oldest = named("a", "Cafe\u0301")
    younger = named("b", "Caf\u00e9")  # stored composed: the unique index holds it now

    migration.compose(apps, None)

    names = dict(User.objects.values_list("pk", "display_name"))
    assert (names[oldest.pk], names[younger.pk]) == ("Caf\u00e9", "")
