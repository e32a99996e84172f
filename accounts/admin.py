from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from accounts.models import User
from accounts.selectors import API_TOKEN_PREFIX_LENGTH


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "preferred_language", "email_notifications")}),
    )
    list_display = (
        "username",
        "email",
        "display_name",
        "preferred_language",
        "email_notifications",
        "is_staff",
        "date_joined",
    )
    list_filter = (*DjangoUserAdmin.list_filter, "preferred_language", "email_notifications")
    search_fields = (*DjangoUserAdmin.search_fields, "display_name")


def _api_token_start(token: TokenProxy) -> str:
    return f"{token.key[:API_TOKEN_PREFIX_LENGTH]}\u2026"


# DRF's admin listed every member's key whole, and named each token by its key (titles,
# breadcrumbs, the recent actions): whoever saw those pages could call the API as anyone.
# Staff see a key's first characters, as its owner does after the page that created it.
TokenProxy.__str__ = _api_token_start
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(DrfTokenAdmin):
    list_display = ("key_start", "user", "created")
    search_fields = (*DrfTokenAdmin.search_fields, "user__email")

    @admin.display(description=_("Key"))
    def key_start(self, token: TokenProxy) -> str:
        return _api_token_start(token)
