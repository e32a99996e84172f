"""The admin of curated lists (markets' TokenList and its members): it writes through the
curation services where /curate/ has one, so both behave alike."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from curation.services import (
    list_admin_save_record,
    list_feature,
    list_members_tokens,
    lists_deletion_record,
    members_renumber,
    text_clean,
)
from markets.admin import DerivedDataDeleteMixin
from markets.models import TokenList, TokenListMembership
from markets.services.metrics import list_metrics_follow


class MemberTokenSelect(AutocompleteSelect):
    """The member's token search box. Its selected option comes from the tokens the form set
    already read with its members (``known``), not from one query per row."""

    known: dict[str, object] = {}

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not selected or any(v not in self.known for v in selected):
            return super().optgroups(name, value, attr)
        label = self.choices.field.label_from_instance
        options = [self.create_option(name, v, label(self.known[v]), set(selected), i)
                   for i, v in enumerate(selected[:1])]  # fmt: skip
        return [(None, options, 0)]


class MembershipFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = {str(m.token_id): m.token for m in self.get_queryset()}  # with their tokens
        for form in self.forms:
            widget = form.fields["token"].widget
            inner = getattr(widget, "widget", widget)
            if isinstance(inner, MemberTokenSelect):
                inner.known = known

    def clean(self):
        """Two members at one position would make the order arbitrary."""
        super().clean()
        seen: dict[int, str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or data.get("position") is None:
                continue
            token = data.get("token")
            if data["position"] in seen:
                raise forms.ValidationError(
                    _("%(a)s and %(b)s have the same position %(position)d: give each member "
                      "its own position."),
                    params={"a": seen[data["position"]], "b": token, "position": data["position"]},
                )  # fmt: skip
            seen[data["position"]] = str(token)


class TokenListForm(forms.ModelForm):
    class Meta:
        model = TokenList
        fields = ("name", "name_fr", "slug", "description", "description_fr", "is_featured",
                  "is_public")  # fmt: skip

    def _text(self, name: str, *, multiline: bool = False) -> str:
        """The characters /curate/ refuses in names and descriptions (invisible, direction-
        changing, control characters) are refused here too; lengths are the model's."""
        value = self.cleaned_data.get(name) or ""
        try:
            return text_clean(value, field=name, max_length=len(value), required=False,
                              multiline=multiline)  # fmt: skip
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean_name(self):
        return self._text("name")

    def clean_name_fr(self):
        return self._text("name_fr")

    def clean_description(self):
        return self._text("description", multiline=True)

    def clean_description_fr(self):
        return self._text("description_fr", multiline=True)

    def clean_slug(self):
        """In lower case, as /curate/ makes it; and not another list's in other capitals
        (/lists/AI/ beside /lists/ai/)."""
        slug = (self.cleaned_data.get("slug") or "").strip()
        if self.instance.pk is not None and slug == self.instance.slug:
            return slug  # an older list's capitals are its address: not changed unasked
        slug = slug.lower()
        others = TokenList.objects.filter(slug__iexact=slug)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("A list with this short name already exists."), code="slug_taken"
            )
        return slug

    def clean_is_featured(self):
        is_featured = self.cleaned_data.get("is_featured")
        if is_featured:
            others = TokenList.objects.filter(is_featured=True)
            if self.instance.pk is not None:
                others = others.exclude(pk=self.instance.pk)
            current = others.first()
            if current is not None:
                raise forms.ValidationError(
                    _(
                        "“%(name)s” is already the featured list. Only one list can be "
                        "featured: unfeature it first, or use the “Feature this list” action."
                    ),
                    code="featured_taken",
                    params={"name": current.name},
                )
        return is_featured

    def clean(self):
        """The dashboard shows the featured list: it cannot be unpublished (as in /curate/)."""
        cleaned = super().clean()
        if cleaned.get("is_featured") and cleaned.get("is_public") is False:
            self.add_error(
                "is_public",
                forms.ValidationError(
                    _(
                        "The featured list is the dashboard's: it must stay public. Feature "
                        "another list (or untick “Is featured”) before unpublishing this one."
                    ),
                    code="featured_public",
                ),
            )
        return cleaned


class TokenListMembershipInline(admin.TabularInline):
    model = TokenListMembership
    formset = MembershipFormSet
    fields = ("token", "position")
    autocomplete_fields = ("token",)
    ordering = ("position", "id")
    extra = 1
    verbose_name = _("member")
    verbose_name_plural = _("members (in order; staff can also reorder them at /curate/)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("token")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "token":
            kwargs["widget"] = MemberTokenSelect(db_field, self.admin_site,
                                                 using=kwargs.get("using"))  # fmt: skip
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TokenList)
class TokenListAdmin(DerivedDataDeleteMixin, admin.ModelAdmin):
    form = TokenListForm
    inlines = (TokenListMembershipInline,)
    list_display = ("name", "slug", "is_featured", "is_public", "members_count")
    list_filter = ("is_featured", "is_public")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    actions = ("feature_list",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members_total=Count("memberships"))

    def get_deleted_objects(self, objs, request):
        """The dashboard's list cannot be deleted (nor unpublished): named with the objects
        that prevent a deletion, which the admin then refuses, one list or several."""
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for token_list in objs:
            if token_list.is_featured:
                protected = [*protected, gettext(
                    "%(name)s is the list on the dashboard: feature another list first."
                ) % {"name": token_list.name}]  # fmt: skip
        return to_delete, counts, perms_needed, protected

    @transaction.atomic  # with its record in the /curate/ history
    def delete_model(self, request, obj):
        lists_deletion_record(actor=request.user, token_lists=TokenList.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)

    @transaction.atomic  # the bulk action runs outside any transaction of the admin's
    def delete_queryset(self, request, queryset):
        lists_deletion_record(actor=request.user, token_lists=queryset)
        super().delete_queryset(request, queryset)

    def save_related(self, request, form, formsets, change):
        before = list_members_tokens(token_list=form.instance) if change else []
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):  # members added or removed
            members_renumber(token_list=form.instance)
            list_metrics_follow(list_ids=[form.instance.pk])
        # In the /curate/ history, as the curation pages' own changes (and pages go stale).
        list_admin_save_record(actor=request.user, token_list=form.instance, created=not change,
                               changed_fields=form.changed_data, members_before=before)  # fmt: skip

    @admin.display(description=_("Members"), ordering="members_total")
    def members_count(self, obj: TokenList) -> int:
        return obj.members_total

    @admin.action(description=_("Feature this list"), permissions=["change"])
    def feature_list(self, request, queryset):
        # The annotated queryset is only used to pick the target; updates go to plain managers.
        selected = list(queryset.values_list("pk", "name")[:2])
        if len(selected) != 1:
            self.message_user(
                request, gettext("Select exactly one list to feature."), messages.ERROR
            )
            return
        pk, name = selected[0]
        try:  # as /curate/ does it: the list is published, the change recorded
            list_feature(actor=request.user, token_list=TokenList.objects.get(pk=pk))
        except IntegrityError:
            self.message_user(
                request,
                gettext("Another list was featured at the same moment; please try again."),
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            gettext("“%(name)s” is now the featured list.") % {"name": name},
            messages.SUCCESS,
        )
