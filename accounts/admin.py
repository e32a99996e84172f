from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from accounts.models import ApiToken, User


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


# DRF's admin listed every member's key whole, and named each token by its key (titles,
# breadcrumbs, the recent actions): whoever saw those pages could call the API as anyone.
# Its section is replaced by ApiToken's, a proxy named by a key's first characters only.
admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(DrfTokenAdmin):
    list_display = ("key_start", "user", "created")
    search_fields = (*DrfTokenAdmin.search_fields, "user__email")

    @admin.display(description=_("Key"))
    def key_start(self, token: ApiToken) -> str:
        return str(token)
