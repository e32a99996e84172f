"""Staff can look at watchlists (to help a user or investigate a report) but not edit them:
every change goes through the services, which enforce the limits."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from watchlists.models import Lot, Watchlist, WatchlistItem


class ViewOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WatchlistItemInline(ViewOnlyMixin, admin.TabularInline):
    model = WatchlistItem
    fields = ("position", "token", "note", "added_at")
    readonly_fields = fields
    show_change_link = True
    extra = 0


class LotInline(ViewOnlyMixin, admin.TabularInline):
    model = Lot
    fields = ("quantity", "cost_basis_usd", "purchased_at", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(Watchlist)
class WatchlistAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "items_count", "is_public", "show_amounts", "updated_at")
    list_filter = ("is_public", "show_amounts")
    search_fields = ("name", "owner__username", "owner__email")
    list_select_related = ("owner",)
    readonly_fields = ("owner", "name", "position", "is_public", "show_amounts", "created_at",
                       "updated_at")  # fmt: skip
    exclude = ("share_token",)  # a secret: staff do not need to open the link
    inlines = [WatchlistItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(items_total=Count("items"))

    @admin.display(description=_("tokens"), ordering="items_total")
    def items_count(self, watchlist: Watchlist) -> int:
        return watchlist.items_total


@admin.register(WatchlistItem)
class WatchlistItemAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ("token", "watchlist", "position", "added_at")
    list_select_related = ("token", "watchlist")
    search_fields = ("token__symbol", "watchlist__name")
    readonly_fields = ("watchlist", "token", "position", "note", "added_at")
    inlines = [LotInline]
