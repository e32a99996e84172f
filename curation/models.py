"""What staff changed in the curated lists, and the tokens they asked to add."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.language import localized_property
from markets.models import RefreshRun, Token, TokenList

# The names the /curate/ forms give a list's fields: the history of edits shows them (it
# stores the field names, joined with ", ").
LIST_FIELD_LABELS = {
    "name": _("Name (English)"),
    "name_fr": _("Name (French)"),
    "slug": _("Short name in the address"),
    "description": _("Description (English)"),
    "description_fr": _("Description (French)"),
    "is_public": _("Published (visible to everyone)"),
    "is_featured": _("On the dashboard"),
}


class CurationChange(models.Model):
    class Action(models.TextChoices):
        LIST_CREATED = "list_created", _("created the list")
        LIST_UPDATED = "list_updated", _("edited the list")
        LIST_FEATURED = "list_featured", _("put the list on the dashboard")
        MEMBER_ADDED = "member_added", _("added a member")
        MEMBER_REMOVED = "member_removed", _("removed a member")
        MEMBERS_REORDERED = "members_reordered", _("reordered the members")
        TOKEN_CREATED = "token_created", _("added a token from the catalogue")
        BACKFILL_RETRIED = "backfill_retried", _("retried a backfill")
        LIST_DELETED = "list_deleted", _("deleted the list")
        TOKEN_DELETED = "token_deleted", _("deleted the token")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=30, choices=Action.choices)
    token_list = models.ForeignKey(
        TokenList, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.ForeignKey(
        Token, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True, default="")
    # What the change was about, as text, in both languages: the list's name (the history
    # still names it once the list is deleted), or what was deleted ("AI tokens (ai)", "TAO
    # (Bittensor)").
    subject = models.CharField(max_length=200, blank=True, default="")
    subject_fr = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["-at", "-id"], name="curation_change_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    display_subject = localized_property("subject")

    @property
    def detail_display(self) -> str:
        """The detail for people: an edit's field names as the forms label them, in the
        active language (a name without a label as stored)."""
        if self.action != self.Action.LIST_UPDATED or not self.detail:
            return self.detail
        names = [name.strip() for name in self.detail.split(",")]
        return ", ".join(str(LIST_FIELD_LABELS.get(name, name)) for name in names)


class TokenAddJob(models.Model):
    """A token added from the catalogue and the backfill of its history, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    token = models.ForeignKey(Token, on_delete=models.CASCADE, related_name="+")
    token_list = models.ForeignKey(
        TokenList, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True, default="")
    run = models.ForeignKey(
        RefreshRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_max_100")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.status} {self.progress}%"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def quiet_seconds(self) -> float:
        """Seconds since the job last changed (queued, or progress a worker saved)."""
        if self.updated_at is None:
            return 0.0
        return max((timezone.now() - self.updated_at).total_seconds(), 0.0)

    @property
    def poll_seconds(self) -> int:
        """How often the page asks for the progress: every second at first, less and less
        often while nothing changes (with no worker running, a job stays queued)."""
        quiet = self.quiet_seconds
        for up_to, every in JOB_POLL_STEPS:
            if quiet < up_to:
                return every
        return JOB_POLL_SLOWEST

    @property
    def seems_unattended(self) -> bool:
        """Queued for long with no worker taking it: said on the page, not recorded."""
        return self.status == self.Status.QUEUED and self.quiet_seconds >= JOB_NO_WORKER_AFTER


# A job's progress is polled every second for its first minute without change, every 5 s for
# the next four, then every 30 s; one still queued after 2 minutes says no worker seems to run.
JOB_POLL_STEPS = ((60, 1), (300, 5))
JOB_POLL_SLOWEST = 30
JOB_NO_WORKER_AFTER = 120
