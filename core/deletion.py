"""What else a delete takes with it, found from the models' relations.

A confirmation page names what goes with an object: objects of other apps that point at it
with ``on_delete=CASCADE`` (an alert rule on a watchlist, say). Reading the relations here
keeps the owning app free of imports from the apps built on top of it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.admin.utils import NestedObjects, quote
from django.db import models, router
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst


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


class _CountingCollector(NestedObjects):
    """The admin's collector, except that the rows of ``counted`` models are counted, one
    query per model and batch, instead of being loaded to be listed one by one."""

    def __init__(self, *args, counted: Iterable[type[models.Model]], **kwargs):
        super().__init__(*args, **kwargs)
        self.counted = frozenset(counted)

    def can_fast_delete(self, objs, from_field=None):
        model = objs if isinstance(objs, type) else getattr(objs, "model", None)
        return model in self.counted


def admin_deleted_objects(objs, request, admin_site, *, counted: Iterable[type[models.Model]]):
    """``ModelAdmin.get_deleted_objects`` for objects whose bulk data (a token's tens of
    thousands of snapshots) the confirmation page names by count: Django's own loads every
    row and renders a link to each (14 s and a 5 MB page for 50,000 snapshots). The counted
    models need no delete permission; everything else is collected, checked and listed as
    Django does."""
    objs = list(objs)
    if not objs:
        return [], {}, set(), []
    collector = _CountingCollector(
        using=router.db_for_write(objs[0]._meta.model), origin=objs, counted=counted
    )
    collector.collect(objs)
    perms_needed = set()

    def format_callback(obj):  # as django.contrib.admin.utils.get_deleted_objects
        opts = obj._meta
        if not admin_site.is_registered(obj.__class__):
            return f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.get_model_admin(obj.__class__).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                None, (quote(obj.pk),),
            )  # fmt: skip
        except NoReverseMatch:
            return f"{capfirst(opts.verbose_name)}: {obj}"
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {
        model._meta.verbose_name_plural: len(found) for model, found in collector.model_objs.items()
    }
    counts: dict[type[models.Model], int] = {}
    for queryset in collector.fast_deletes:
        counts[queryset.model] = counts.get(queryset.model, 0) + queryset.count()
    for model, count in counts.items():
        if count:
            name = model._meta.verbose_name_plural
            model_count[name] = count
            to_delete.append(f"{capfirst(name)}: {count}")
    return to_delete, model_count, perms_needed, protected
