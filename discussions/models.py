"""Comments on tokens and lists, reports and moderation, sentiment votes and scenario polls."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.language import localized
from core.times import datetime_text
from markets.models import Token, TokenList


class Stance(models.TextChoices):
    BULLISH = "bullish", _("Bullish")
    BEARISH = "bearish", _("Bearish")


class Comment(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        PENDING = "pending", _("Hidden pending review")
        HIDDEN = "hidden", _("Removed by a moderator")
        DELETED = "deleted", _("Deleted")

    token = models.ForeignKey(
        Token, null=True, blank=True, on_delete=models.CASCADE, related_name="comments",
        verbose_name=_("token"),
    )  # fmt: skip
    token_list = models.ForeignKey(
        TokenList, null=True, blank=True, on_delete=models.CASCADE, related_name="comments",
        verbose_name=_("list"),
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies",
        verbose_name=_("replies to"),
    )  # fmt: skip
    # Comments outlive their author's account: shown as "deleted user".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="comments", verbose_name=_("author"),
    )  # fmt: skip
    body = models.TextField(_("text"), help_text=_("Markdown source"))
    body_html = models.TextField(
        _("text as HTML"), help_text=_("Sanitised HTML, rendered once on save")
    )
    stance = models.CharField(
        _("stance"), max_length=8, choices=Stance.choices, blank=True, default=""
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.VISIBLE)
    created_at = models.DateTimeField(_("posted at"))
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                name="comment_one_target",
                condition=Q(token__isnull=False, token_list__isnull=True)
                | Q(token__isnull=True, token_list__isnull=False),
            ),
            models.CheckConstraint(name="comment_body_not_empty", condition=~Q(body="")),
            models.CheckConstraint(name="comment_not_own_parent", condition=~Q(parent=F("pk"))),
        ]
        indexes = [
            models.Index(fields=["token", "parent", "created_at"]),
            models.Index(fields=["token_list", "parent", "created_at"]),
            models.Index(fields=["author", "created_at"]),
            models.Index(fields=["state"]),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.target_label}"

    @property
    def target_label(self) -> str:
        return self.token.symbol if self.token_id else self.token_list.slug

    @property
    def is_shown(self) -> bool:
        return self.state == self.State.VISIBLE

    @property
    def on_public_target(self) -> bool:
        """On an active token or a published list: its page exists (else a 404, staff too)."""
        if self.token_id:
            return self.token.is_active
        return self.token_list.is_public


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abuse")
        SCAM = "scam", _("Scam link")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="comment_reports", verbose_name=_("reported by"),
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=8, choices=Reason.choices)
    text = models.CharField(_("details"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("reported at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_user")
        ]

    def __str__(self) -> str:
        return f"Report of comment {self.comment_id}: {self.reason}"


class Mute(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_mutes",
        verbose_name=_("user"),
    )  # fmt: skip
    until = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")
        indexes = [models.Index(fields=["user", "until"])]

    def __str__(self) -> str:
        return _("Mute of user %(id)s until %(until)s") % {
            "id": self.user_id, "until": datetime_text(self.until)
        }  # fmt: skip


class ModerationAction(models.Model):
    class Action(models.TextChoices):
        HIDE = "hide", _("Hide")
        RESTORE = "restore", _("Restore")
        DISMISS = "dismiss", _("Dismiss reports")
        AUTO_HIDE = "auto_hide", _("Hidden by reports")
        MUTE = "mute", _("Mute")
        MUTE_CHANGE = "mute_edit", _("Mute changed")
        UNMUTE = "unmute", _("Mute lifted")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("moderator"),
        help_text=_("Empty: done by the site (report threshold)"),
    )  # fmt: skip
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions",
        verbose_name=_("comment"),
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("user"), help_text=_("The user acted upon (mute)"),
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("done at"))

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("%(action)s on %(when)s") % {
            "action": self.get_action_display(), "when": datetime_text(self.created_at)
        }  # fmt: skip

    def reason_shown(self) -> str:
        """The reason in the reader's language: a moderator's is shown as typed; the site's
        own (a hide by reports) is stored as the number of reports and worded on display,
        as the action is (rows written before read as they were stored)."""
        if self.action == self.Action.AUTO_HIDE and self.reason.isascii() and self.reason.isdigit():
            n = int(self.reason)
            return ngettext("%(n)d report", "%(n)d reports", n) % {"n": n}
        return self.reason

    reason_shown.short_description = _("reason")


class SentimentVote(models.Model):
    token = models.ForeignKey(
        Token, on_delete=models.CASCADE, related_name="sentiment_votes", verbose_name=_("token")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sentiment_votes",
        verbose_name=_("user"),
    )  # fmt: skip
    day = models.DateField(_("day"), help_text=_("UTC day of the vote"))
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("sentiment vote")
        verbose_name_plural = _("sentiment votes")
        constraints = [
            models.UniqueConstraint(fields=["token", "user", "day"], name="sentiment_once_a_day")
        ]
        indexes = [models.Index(fields=["token", "day"])]

    def __str__(self) -> str:
        return f"{self.stance} on token {self.token_id} ({self.day})"


class Poll(models.Model):
    question_en = models.CharField(_("question (English)"), max_length=200)
    question_fr = models.CharField(_("question (French)"), max_length=200)
    token = models.ForeignKey(
        Token, null=True, blank=True, on_delete=models.CASCADE, related_name="polls",
        verbose_name=_("token"),
    )  # fmt: skip
    token_list = models.ForeignKey(
        TokenList, null=True, blank=True, on_delete=models.CASCADE, related_name="polls",
        verbose_name=_("list"),
    )  # fmt: skip
    is_open = models.BooleanField(_("open"), default=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="poll_one_target",
                condition=Q(token__isnull=False, token_list__isnull=True)
                | Q(token__isnull=True, token_list__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.question_en

    @property
    def question(self) -> str:
        return localized(self.question_en, self.question_fr)

    def accepts_votes(self, now) -> bool:
        return self.is_open and (self.closes_at is None or self.closes_at > now)


MIN_POLL_OPTIONS = 2  # fewer and nobody can choose (checked by the admin's option formset)


class PollOption(models.Model):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="options", verbose_name=_("poll")
    )
    label_en = models.CharField(_("option (English)"), max_length=200)
    label_fr = models.CharField(_("option (French)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label_en

    @property
    def label(self) -> str:
        return localized(self.label_en, self.label_fr)


class PollVote(models.Model):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="votes", verbose_name=_("poll")
    )
    option = models.ForeignKey(
        PollOption, on_delete=models.CASCADE, related_name="votes", verbose_name=_("option")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_votes",
        verbose_name=_("user"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("poll vote")
        verbose_name_plural = _("poll votes")
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="poll_vote_once")]

    def __str__(self) -> str:
        return f"Vote for option {self.option_id}"
