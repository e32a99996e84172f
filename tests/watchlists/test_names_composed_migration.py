"""Migration watchlists.0004: existing watchlist names are stored composed (NFC)."""

import importlib

from django.apps import apps

from watchlists.models import Watchlist

migration = importlib.import_module("watchlists.migrations.0004_names_composed")


def listed(owner, name: str) -> Watchlist:
    watchlist = Watchlist.objects.create(owner=owner, name="placeholder")
    Watchlist.objects.filter(pk=watchlist.pk).update(name=name)  # as stored before
    return watchlist


def test_names_are_composed_and_a_clash_gets_a_number_on_the_younger_list(alice, bob):
    older = listed(alice, "Cafe\u0301")
    younger = listed(alice, "caf\u00e9")
    numbered = listed(alice, "Caf\u00e9 (2)")  # the first free number is then 3
    bobs = listed(bob, "Cafe\u0301")  # another owner: no clash

    migration.compose(apps, None)

    names = dict(Watchlist.objects.values_list("pk", "name"))
    assert names[older.pk] == "Caf\u00e9"
    assert names[younger.pk] == "caf\u00e9 (3)"
    assert names[numbered.pk] == "Caf\u00e9 (2)"
    assert names[bobs.pk] == "Caf\u00e9"


def test_a_long_name_is_cut_to_make_room_for_its_number(alice):
    listed(alice, "A" * 78 + "e\u0301")  # 80 characters, 79 once composed
    younger = listed(alice, "a" * 78 + "\u00e9")

    migration.compose(apps, None)

    name = Watchlist.objects.get(pk=younger.pk).name
    assert name == "a" * 76 + " (2)" and len(name) == 80
