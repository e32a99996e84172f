from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import api_token_replace_existing


class PasswordChangeForm(AdminPasswordChangeForm):
    """Staff setting someone's password: their API token is replaced, as when they change
    or reset it themselves (accounts.signals)."""

    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        if commit:
            api_token_replace_existing(user=user)
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = PasswordChangeForm
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
