from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from discussions import services
from discussions.models import (
    MIN_POLL_OPTIONS,
    Comment,
    ModerationAction,
    Mute,
    Poll,
    PollOption,
    Report,
    SentimentVote,
)


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    readonly_fields = ["reporter", "reason", "text", "created_at", "resolved_at"]

    # Shown only: reports are closed by the moderation actions, which record it (deleted
    # here, they left the queue with no trace in the moderation log).
    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _refused(pk: int, exc: ValidationError | PermissionDenied) -> str:
    """Why the service refused a row: its messages, not str(exc) ("{'comment': […]}")."""
    reasons = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    # Translators: a row an admin action could not change, e.g. "#12: This mute has already
    # ended."
    return gettext("#%(id)s: %(reasons)s") % {"id": pk, "reasons": " ".join(reasons)}


def _moderate(service, label: str):
    """An admin action going through the moderation service (so it is recorded)."""

    def action(modeladmin, request, queryset):
        for comment in queryset:
            try:
                service(comment=comment, moderator=request.user, reason="admin")
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, _refused(comment.pk, exc), messages.ERROR)

    action.short_description = label
    action.__name__ = f"action_{service.__name__}"
    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "author", "token", "token_list", "state", "stance", "created_at"]
    # Nullable foreign keys: the admin's own select_related() would leave them to a query
    # per row (two hundred for a page).
    list_select_related = ["author", "token", "token_list"]
    list_filter = ["state", "stance"]
    search_fields = ["body", "author__username"]
    # Nothing is edited here: the state changes through the actions, which record who did
    # it; the text is the author's, rendered to body_html by the service (an edit here left
    # the old HTML); moving a comment (its parent, token or list) could make it its own
    # parent, a reply to a reply or a reply in another discussion, and lose it from its
    # thread.
    readonly_fields = [
        "token", "token_list", "parent", "author", "body", "body_html", "stance", "state",
        "created_at", "edited_at",
    ]  # fmt: skip
    inlines = [ReportInline]
    actions = [
        _moderate(services.comment_hide, _("Hide (removed by a moderator)")),
        _moderate(services.comment_restore, _("Restore")),
        _moderate(services.reports_dismiss, _("Dismiss reports")),
    ]

    def has_add_permission(self, request):
        return False  # comments are written on the site, rendered by the service


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "comment", "user", "reason_shown"]
    # A comment is shown by its token or list: read with the page, not four queries a row.
    list_select_related = ["moderator", "user", "comment__token", "comment__token_list"]
    list_filter = ["action"]

    # The record of who did what stays as it was: written by the services only, never
    # changed, made up or erased here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MuteAddForm(forms.ModelForm):
    """A new mute, checked by the service the moderation queue uses (reason, a future end
    within 3650 days, not oneself); ``by`` is whoever adds it."""

    class Meta:
        model = Mute
        fields = ["user", "until", "reason"]

    def muted_user(self):
        return self.cleaned_data.get("user")

    def clean(self):
        data = super().clean()
        try:
            data["reason"] = services.user_mute_check(
                user=self.muted_user(), moderator=self.moderator, until=data.get("until"),
                reason=data.get("reason", ""),
            )  # fmt: skip
        except ValidationError as exc:
            # An error on a field the form does not show (the user of a mute changed) is the
            # form's own.
            raise ValidationError(
                {
                    field if field in self.fields else NON_FIELD_ERRORS: errors
                    for field, errors in exc.message_dict.items()
                }
            ) from None
        return data


class MuteChangeForm(MuteAddForm):
    """A mute changed: its end and its reason only (who, by whom and when stay), checked as
    a new one."""

    class Meta:
        model = Mute
        fields = ["until", "reason"]

    def muted_user(self):
        return self.instance.user


def _mute_lift(modeladmin, request, queryset):
    """Lift the selected mutes through the service (so each is in the moderation log)."""
    for mute in queryset:
        try:
            services.mute_lift(mute=mute, moderator=request.user, reason="admin")
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, _refused(mute.pk, exc), messages.ERROR)


_mute_lift.short_description = _("Lift (the mute ends now)")
_mute_lift.__name__ = "action_mute_lift"


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    """Every mute change goes through the moderation services and into the log: added and
    changed (end, reason) with the checks of the queue's form, lifted with an action. Never
    deleted here: deleting left no log entry, and a mute's history stays readable."""

    list_display = ["user", "until", "reason", "by", "created_at"]
    list_select_related = ["user", "by"]
    raw_id_fields = ["user", "by"]
    actions = [_mute_lift]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = MuteAddForm if obj is None else MuteChangeForm
        kwargs |= {"form": form_class, "fields": form_class.Meta.fields}
        form = super().get_form(request, obj, change, **kwargs)
        form.moderator = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return MuteAddForm.Meta.fields
        return ["user", *MuteChangeForm.Meta.fields, "by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "by", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Through the moderation service, as from the queue's form: checked, made by the
        signed-in moderator, in the moderation log."""
        data = form.cleaned_data
        if change:
            services.mute_change(
                mute=obj, moderator=request.user, until=data["until"], reason=data["reason"]
            )
            return
        mute = services.user_mute_until(
            user=obj.user, moderator=request.user, until=obj.until, reason=obj.reason
        )
        obj.pk, obj.by, obj.created_at = mute.pk, mute.by, mute.created_at


class PollOptionFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """A poll needs at least two options: without them nobody can vote (and with none it
        still showed on the dashboard)."""
        super().clean()
        if any(self.errors):
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(kept) < MIN_POLL_OPTIONS:
            raise ValidationError(
                _("A poll needs at least %(n)d options.") % {"n": MIN_POLL_OPTIONS}
            )


class PollOptionInline(admin.TabularInline):
    model = PollOption
    formset = PollOptionFormSet
    extra = MIN_POLL_OPTIONS


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["question_en", "token_list", "token", "is_open", "closes_at"]
    list_select_related = ["token_list", "token"]
    list_filter = ["is_open"]
    inlines = [PollOptionInline]


@admin.register(SentimentVote)
class SentimentVoteAdmin(admin.ModelAdmin):
    list_display = ["token", "day", "stance", "user"]
    list_filter = ["stance", "day"]
