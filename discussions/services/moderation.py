"""Reports, the moderators' actions and mutes. Every action leaves a ModerationAction."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.cache import data_version_bump
from core.text import text_characters_refuse
from discussions.conf import limit
from discussions.models import Comment, ModerationAction, Mute, Report
from discussions.services.comments import rate_limit_check
from discussions.services.notices import reply_notice_follow

State = Comment.State
Action = ModerationAction.Action

# Reports hide a comment by themselves only when they come from people with some standing, so
# that a few accounts opened for the purpose cannot silence someone: staff, or an account at
# least this many days old, not muted, with a comment of its own that others can read. The
# other reports put the comment in the moderators' queue all the same.
REPORTER_STANDING_DAYS = 7


def _reporter_has_standing(now) -> Q:
    joined_before = now - timedelta(days=REPORTER_STANDING_DAYS)
    has_shown_comment = Exists(
        Comment.objects.filter(author=OuterRef("reporter"), state=State.VISIBLE)
    )
    muted = Exists(Mute.objects.filter(user=OuterRef("reporter"), until__gt=now))
    return Q(reporter__is_staff=True) | (
        Q(reporter__date_joined__lte=joined_before) & has_shown_comment & ~muted
    )


def _text_clean(value: str, *, field: str, maximum: int = 500, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [_("Give a reason.")]})
    if len(value) > maximum:
        raise ValidationError({field: [_("At most %(n)d characters.") % {"n": maximum}]})
    try:
        text_characters_refuse(value)
    except ValueError as exc:
        raise ValidationError({field: [str(exc)]}) from None
    return value


def _staff_check(moderator) -> None:
    if not getattr(moderator, "is_staff", False):
        raise PermissionDenied(_("Only moderators can do this."))


def _record(*, moderator, action: str, comment=None, user=None, reason: str = "", now=None):
    return ModerationAction.objects.create(
        moderator=moderator, action=action, comment=comment, user=user, reason=reason,
        created_at=now or timezone.now(),
    )  # fmt: skip


def _reporter_rate_check(reporter, now) -> None:
    """Refuse a reporter over ``REPORT_RATE_PER_MINUTE`` or ``REPORT_RATE_PER_DAY`` (called
    under a lock on the reporter, so exact): one account cannot flood the moderators."""
    per_minute, per_day = limit("REPORT_RATE_PER_MINUTE"), limit("REPORT_RATE_PER_DAY")
    windows = (
        (timedelta(minutes=1), per_minute,
         ngettext("You can report at most %(n)d comment a minute. Try again in a moment.",
                  "You can report at most %(n)d comments a minute. Try again in a moment.",
                  per_minute)),
        (timedelta(days=1), per_day,
         ngettext("You can report at most %(n)d comment a day. Try again later.",
                  "You can report at most %(n)d comments a day. Try again later.", per_day)),
    )  # fmt: skip
    rate_limit_check(Report.objects.filter(reporter=reporter), now, windows)


def comment_report(*, comment: Comment, reporter, reason: str, text: str = "") -> Report:
    """Report a comment once; enough reports by different people with standing
    (``REPORTER_STANDING_DAYS``) hide it pending review."""
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    text = _text_clean(text, field="text", required=reason == Report.Reason.OTHER)
    now = timezone.now()
    with transaction.atomic():
        # The lock makes the rate limits exact when one user reports from two tabs at once.
        get_user_model().objects.select_for_update().filter(pk=reporter.pk).first()
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.state in (State.DELETED, State.HIDDEN):
            raise ValidationError({"comment": [_("This comment is already gone.")]})
        if locked.author_id is not None and locked.author_id == reporter.pk:
            raise ValidationError({"comment": [_("You cannot report your own comment.")]})
        _reporter_rate_check(reporter, now)
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    comment=locked, reporter=reporter, reason=reason, text=text, created_at=now
                )
        except IntegrityError:
            raise ValidationError({"comment": [_("You already reported this comment.")]}) from None
        open_reports = (
            locked.reports.filter(resolved_at__isnull=True)
            .filter(_reporter_has_standing(now))
            .count()
        )
        if locked.state == State.VISIBLE and open_reports >= limit("COMMENT_REPORT_THRESHOLD"):
            locked.state = State.PENDING
            locked.save(update_fields=["state"])
            reply_notice_follow(comment=locked)
            # The number only: worded in each moderator's language when shown (reason_shown).
            _record(moderator=None, action=Action.AUTO_HIDE, comment=locked, now=now,
                    reason=str(open_reports))  # fmt: skip
            transaction.on_commit(data_version_bump)
    return report


def _moderate(*, comment: Comment, moderator, reason: str, action: str, state: str | None):
    _staff_check(moderator)
    reason = _text_clean(reason, field="reason")
    now = timezone.now()
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.state == State.DELETED:
            raise ValidationError({"comment": [_("Its author deleted this comment.")]})
        locked.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
        if action == Action.DISMISS:  # unfounded reports: what they hid shows again
            state = State.VISIBLE if locked.state == State.PENDING else None
        if state is not None and locked.state != state:
            locked.state = state
            locked.save(update_fields=["state"])
            reply_notice_follow(comment=locked)
        _record(moderator=moderator, action=action, comment=locked, reason=reason, now=now)
        transaction.on_commit(data_version_bump)
    return locked


def comment_hide(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Staff remove a comment: others see "removed by a moderator"."""
    return _moderate(
        comment=comment, moderator=moderator, reason=reason, action=Action.HIDE,
        state=State.HIDDEN,
    )  # fmt: skip


def comment_restore(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Staff show a hidden comment again; its open reports are closed."""
    return _moderate(
        comment=comment, moderator=moderator, reason=reason, action=Action.RESTORE,
        state=State.VISIBLE,
    )  # fmt: skip


def reports_dismiss(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Staff find the reports unfounded: closed, and a comment hidden by them shown again."""
    return _moderate(
        comment=comment, moderator=moderator, reason=reason, action=Action.DISMISS, state=None
    )


def user_mute(*, user, moderator, days: int, reason: str) -> Mute:
    """Staff stop ``user`` from commenting for ``days`` days."""
    if not isinstance(days, int) or not 1 <= days <= 3650:
        raise ValidationError({"days": [_("Between 1 and 3650 days.")]})
    return user_mute_until(
        user=user, moderator=moderator, until=timezone.now() + timedelta(days=days), reason=reason
    )


def user_mute_check(*, user, moderator, until, reason: str) -> str:
    """The mute's reason cleaned, or a ValidationError naming the field (the admin's form
    checks with it before saving)."""
    _staff_check(moderator)
    reason = _text_clean(reason, field="reason", required=True)
    now = timezone.now()
    if until is None or not now < until <= now + timedelta(days=3650):
        raise ValidationError({"until": [_("A moment in the next 3650 days.")]})
    if user is not None and user.pk == moderator.pk:
        raise ValidationError({"user": [_("You cannot mute yourself.")]})
    return reason


def user_mute_until(*, user, moderator, until, reason: str) -> Mute:
    """Staff stop ``user`` from commenting until ``until``; recorded in the moderation log."""
    reason = user_mute_check(user=user, moderator=moderator, until=until, reason=reason)
    now = timezone.now()
    with transaction.atomic():
        mute = Mute.objects.create(
            user=user, until=until, reason=reason, by=moderator, created_at=now
        )
        _record(moderator=moderator, action=Action.MUTE, user=user, reason=reason, now=now)
    return mute


def mute_change(*, mute: Mute, moderator, until, reason: str) -> Mute:
    """Staff change when a mute ends or its reason, checked as a new mute (not one's own);
    recorded in the moderation log under who changed it (``by`` stays who imposed it).
    Saved unchanged, nothing is recorded."""
    reason = user_mute_check(user=mute.user, moderator=moderator, until=until, reason=reason)
    with transaction.atomic():
        locked = Mute.objects.select_for_update().get(pk=mute.pk)
        if (locked.until, locked.reason) == (until, reason):
            return locked
        locked.until, locked.reason = until, reason
        locked.save(update_fields=["until", "reason"])
        _record(moderator=moderator, action=Action.MUTE_CHANGE, user=locked.user, reason=reason)
    return locked


def mute_lift(*, mute: Mute, moderator, reason: str = "") -> Mute:
    """Staff end a mute now. The row stays, ending now, so what it was can still be read
    beside its log entries (a mute is never erased); recorded in the moderation log."""
    _staff_check(moderator)
    reason = _text_clean(reason, field="reason")
    now = timezone.now()
    with transaction.atomic():
        locked = Mute.objects.select_for_update().get(pk=mute.pk)
        if locked.user_id == moderator.pk:
            raise ValidationError({"user": [_("You cannot lift your own mute.")]})
        if locked.until <= now:
            raise ValidationError({"until": [_("This mute has already ended.")]})
        locked.until = now
        locked.save(update_fields=["until"])
        _record(moderator=moderator, action=Action.UNMUTE, user=locked.user, reason=reason, now=now)
    return locked
