from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
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


def _moderate(service, label: str):
    """An admin action going through the moderation service (so it is recorded)."""

    def action(modeladmin, request, queryset):
        for comment in queryset:
            try:
                service(comment=comment, moderator=request.user, reason="admin")
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, f"#{comment.pk}: {exc}", messages.ERROR)

    action.short_description = label
    action.__name__ = f"action_{service.__name__}"
    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "author", "token", "token_list", "state", "stance", "created_at"]
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
    list_filter = ["action"]

    # The record of who did what stays as it was: written by the services only, never
    # changed, made up or erased here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    list_display = ["user", "until", "reason", "by", "created_at"]
    raw_id_fields = ["user", "by"]

    def save_model(self, request, obj, form, change):
        """A mute added here is in the moderation log, as one from the queue's form."""
        super().save_model(request, obj, form, change)
        if not change:
            ModerationAction.objects.create(
                moderator=request.user, action=ModerationAction.Action.MUTE, user=obj.user,
                reason=obj.reason, created_at=timezone.now(),
            )  # fmt: skip


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
    list_filter = ["is_open"]
    inlines = [PollOptionInline]


@admin.register(SentimentVote)
class SentimentVoteAdmin(admin.ModelAdmin):
    list_display = ["token", "day", "stance", "user"]
    list_filter = ["stance", "day"]
