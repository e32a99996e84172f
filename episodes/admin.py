"""Staff curation of episodes, events, price levels and market facts (French beside English)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from episodes.models import Episode, Event, Level, MarketFact

# A link typed without a scheme is https (Django 6's default, asked for now).
LINKS = {models.URLField: {"assume_scheme": "https"}}


class MarketFactInline(admin.TabularInline):
    model = MarketFact
    formfield_overrides = LINKS
    extra = 0
    fields = ["at", "value", "unit", "wording", "wording_fr", "source", "source_url"]


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    formfield_overrides = LINKS
    list_display = ["slug", "title", "start", "end", "is_published", "is_demo"]
    list_filter = ["is_published", "is_demo"]
    list_editable = ["is_published"]
    search_fields = ["slug", "title", "title_fr"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["lists"]
    fieldsets = [
        (None, {"fields": ["slug", "is_published", ("start", "end"), "lists"]}),
        (_("English"), {"fields": ["title", "summary"]}),
        (_("French"), {"fields": ["title_fr", "summary_fr"]}),
        (_("Demo"), {"fields": ["is_demo"], "classes": ["collapse"]}),
    ]
    inlines = [MarketFactInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    formfield_overrides = LINKS
    list_display = ["at", "title", "title_fr", "is_demo"]
    list_filter = ["is_demo", "lists"]
    search_fields = ["title", "title_fr", "description"]
    date_hierarchy = "at"
    autocomplete_fields = ["tokens"]
    filter_horizontal = ["lists"]
    fieldsets = [
        (None, {"fields": ["at", "url", "tokens", "lists"]}),
        (_("English"), {"fields": ["title", "description"]}),
        (_("French"), {"fields": ["title_fr", "description_fr"]}),
        (_("Demo"), {"fields": ["is_demo"], "classes": ["collapse"]}),
    ]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    formfield_overrides = LINKS
    list_display = ["token", "low", "high", "label", "label_fr", "is_demo"]
    list_filter = ["is_demo"]
    autocomplete_fields = ["token"]


@admin.register(MarketFact)
class MarketFactAdmin(admin.ModelAdmin):
    formfield_overrides = LINKS
    list_display = ["at", "wording", "value", "unit", "episode", "source", "is_demo"]
    list_filter = ["unit", "is_demo", "episode"]
    search_fields = ["wording", "wording_fr", "source"]
    list_select_related = ["episode"]
    fieldsets = [
        (None, {"fields": ["at", ("value", "unit"), "episode", "source", "source_url"]}),
        (_("English"), {"fields": ["wording"]}),
        (_("French"), {"fields": ["wording_fr"]}),
        (_("Demo"), {"fields": ["is_demo"], "classes": ["collapse"]}),
    ]
