"""Watchlist names are stored composed (Unicode NFC), as the services have stored new ones
since "Cafe" + a combining accent made a second list beside "Café", identical on screen.
Existing names are composed here; where two of one owner's names then clash whatever their
case, the older list keeps it and the others get " (2)", " (3)"… (cut to fit 80 characters).
"""

import unicodedata

from django.db import migrations

NAME_MAX_LENGTH = 80


def _free(name: str, taken: set[str]) -> str:
    if name.lower() not in taken:
        return name
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = name[: NAME_MAX_LENGTH - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
        number += 1


def compose(apps, schema_editor):
    watchlists = apps.get_model("watchlists", "Watchlist").objects
    taken: dict[int, set[str]] = {}
    for row in watchlists.values_list("owner_id", "name"):
        taken.setdefault(row[0], set()).add(unicodedata.normalize("NFC", row[1]).lower())
    kept: dict[int, set[str]] = {}
    renamed, composed = [], []
    for watchlist in watchlists.order_by("pk").only("pk", "owner_id", "name"):
        name = unicodedata.normalize("NFC", watchlist.name)
        mine = kept.setdefault(watchlist.owner_id, set())
        clash = name.lower() in mine
        if clash:
            name = _free(name, taken[watchlist.owner_id] | mine)
            taken[watchlist.owner_id].add(name.lower())
        mine.add(name.lower())
        if name != watchlist.name:
            watchlist.name = name
            (renamed if clash else composed).append(watchlist)
    # The renamed first: a composed name may take the place one of them leaves.
    for watchlist in renamed + composed:
        watchlist.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("watchlists", "0003_lot_form_key")]

    operations = [migrations.RunPython(compose, migrations.RunPython.noop)]
