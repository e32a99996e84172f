"""What else a delete takes with it, found from the models' relations.

A confirmation page names what goes with an object: objects of other apps that point at it
with ``on_delete=CASCADE`` (an alert rule on a watchlist, say). Reading the relations here
keeps the owning app free of imports from the apps built on top of it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def deletion_cascades(
    *, obj: models.Model, skip: Iterable[type[models.Model]] = ()
) -> list[tuple[str, int]]:
    """(verbose name, count) of each model whose rows ``obj``'s delete cascades to directly.

    One count query per cascading relation (a fixed number, whatever the rows); models in
    ``skip`` (those the page already names) and relations with no row are left out.
    """
    skipped = set(skip)
    found: list[tuple[str, int]] = []
    for relation in obj._meta.related_objects:
        model = relation.related_model
        if model in skipped or relation.on_delete is not models.CASCADE:
            continue
        if relation.many_to_many:
            continue
        count = model._default_manager.filter(**{relation.field.name: obj}).count()
        if count:
            meta = model._meta
            name = meta.verbose_name if count == 1 else meta.verbose_name_plural
            found.append((str(name), count))
    return found
