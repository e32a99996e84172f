"""Reads of the discussions for pages and API, with their query counts pinned in tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.ids import id_from_url
from discussions.conf import limit
from discussions.models import (
    MIN_POLL_OPTIONS,
    Comment,
    ModerationAction,
    Poll,
    PollOption,
    PollVote,
    Report,
    SentimentVote,
)
from markets.models import ListMetrics, Token, TokenList
from markets.symbols import symbol_lookup_key

ORDERS = {"newest": ("-created_at", "-pk"), "oldest": ("created_at", "pk")}
DEFAULT_ORDER = "newest"


def token_for_discussion(*, symbol: str) -> Token:
    token = Token.objects.filter(symbol=symbol_lookup_key(symbol), is_active=True).first()
    if token is None:
        raise Http404(_("Unknown token."))
    return token


def list_for_discussion(*, slug: str) -> TokenList:
    token_list = TokenList.objects.filter(slug=slug, is_public=True).first()
    if token_list is None:
        raise Http404(_("No public list with this name."))
    return token_list


def _on_public_target() -> Q:
    """Comments and polls are public only while their token is active or their list published
    (elsewhere such a token or list is a 404, for staff too: they have the admin)."""
    return (Q(token__isnull=True) | Q(token__is_active=True)) & (
        Q(token_list__isnull=True) | Q(token_list__is_public=True)
    )


def _id_number(pk) -> int:
    return id_from_url(pk)


def comment_get(*, pk, any_target: bool = False) -> Comment:
    """A comment by id (any state) with what its pages need; a bad id is a 404. Only on a
    public token or list, unless ``any_target`` (the moderators' queue, which lists reported
    comments wherever they are)."""
    number = _id_number(pk)
    comment = None
    if 0 < number < 2**63:
        comments = Comment.objects.select_related("author", "token", "token_list")
        if not any_target:
            comments = comments.filter(_on_public_target())
        comment = comments.filter(pk=number).first()
    if comment is None:
        raise Http404(_("No such comment."))
    return comment


def _shown_comments() -> QuerySet[Comment]:
    """Comments for the templates, each with ``under_review``: a report on it is open, so
    its author cannot edit it (a subquery, so the thread's query count stays the same)."""
    open_report = Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    return Comment.objects.select_related("author").annotate(under_review=Exists(open_report))


def _replies() -> Prefetch:
    return Prefetch("replies", queryset=_shown_comments().order_by("created_at", "pk"))


def thread_comments(*, token: Token | None = None, token_list: TokenList | None = None,
                    order: str = DEFAULT_ORDER) -> QuerySet[Comment]:  # fmt: skip
    """Top-level comments of a thread with their authors and replies (three queries a page)."""
    target = {"token": token} if token is not None else {"token_list": token_list}
    return (
        _shown_comments()
        .filter(parent__isnull=True, **target)
        .prefetch_related(_replies())
        .order_by(*ORDERS.get(order, ORDERS[DEFAULT_ORDER]))
    )


def thread_page(*, token=None, token_list=None, order: str = DEFAULT_ORDER, page=1) -> Page:
    """A page of the thread; ``page.visible_count`` is the number of comments people can
    read, replies included (the number the comment badges show), counted with the pages in
    one query."""
    comments = thread_comments(token=token, token_list=token_list, order=order)
    target = {"token": token} if token is not None else {"token_list": token_list}
    totals = Comment.objects.filter(**target).aggregate(
        threads=Count("pk", filter=Q(parent__isnull=True)),
        visible=Count("pk", filter=Q(state=Comment.State.VISIBLE)),
    )
    paginator = Paginator(comments, limit("COMMENTS_PER_PAGE"))
    paginator.count = totals["threads"]  # a cached property: no second count
    result = paginator.get_page(page)
    result.visible_count = totals["visible"]
    return result


def comment_with_replies(*, comment: Comment) -> Comment:
    """The top-level comment of ``comment`` with its replies, for re-rendering it."""
    top_id = comment.parent_id or comment.pk
    return _shown_comments().prefetch_related(_replies()).get(pk=top_id)


def comment_counts(*, field: str, ids: list[int]) -> dict[int, int]:
    """Visible comments by token or list id, in one query."""
    rows = (
        Comment.objects.filter(**{f"{field}__in": ids}, state=Comment.State.VISIBLE)
        .values_list(field)
        .annotate(n=Count("pk"))
    )
    return dict(rows)


# --- Moderation -------------------------------------------------------------------------------


def moderation_queue() -> QuerySet[Comment]:
    """Comments waiting for a moderator: hidden by reports, or with open reports."""
    return (
        Comment.objects.annotate(
            open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True))
        )
        .filter(Q(state=Comment.State.PENDING) | Q(open_reports__gt=0))
        .exclude(state=Comment.State.DELETED)
        .select_related("author", "token", "token_list")
        .prefetch_related("reports__reporter")
        .order_by("-open_reports", "created_at")
    )


def moderation_hidden(*, count: int = 50) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(state=Comment.State.HIDDEN)
        .select_related("author", "token", "token_list")
        .prefetch_related("reports__reporter")
        .order_by("-pk")[:count]
    )


def moderation_log(*, count: int = 50) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.select_related(
        "moderator", "comment__token", "comment__token_list", "user"
    )[:count]


# --- Sentiment --------------------------------------------------------------------------------


@dataclass
class Split:
    day: date
    bullish: int = 0
    bearish: int = 0

    @property
    def voters(self) -> int:
        return self.bullish + self.bearish

    @property
    def bullish_share(self) -> float | None:
        return self.bullish / self.voters if self.voters else None

    @property
    def bearish_share(self) -> float | None:
        return self.bearish / self.voters if self.voters else None


@dataclass
class Sentiment:
    today: Split
    days: list[Split] = field(default_factory=list)
    my_vote: str = ""


def token_sentiment(*, token: Token, user=None, days: int = 30) -> Sentiment:
    """Today's split (UTC), the daily splits of the last ``days`` days and the user's vote."""
    today = timezone.now().date()
    first = today - timedelta(days=days - 1)
    rows = (
        SentimentVote.objects.filter(token=token, day__gte=first, day__lte=today)
        .values_list("day", "stance")
        .annotate(n=Count("pk"))
    )
    by_day = {first + timedelta(days=i): Split(first + timedelta(days=i)) for i in range(days)}
    for day, stance, n in rows:
        setattr(by_day[day], stance, n)
    my_vote = ""
    if user is not None and user.is_authenticated:
        my_vote = (
            SentimentVote.objects.filter(token=token, user=user, day=today)
            .values_list("stance", flat=True)
            .first()
            or ""
        )
    return Sentiment(today=by_day[today], days=list(by_day.values()), my_vote=my_vote)


# --- Polls ------------------------------------------------------------------------------------


def polls_list() -> QuerySet[Poll]:
    """Polls on an active token or a published list (the others are a 404, like their
    comments) with options enough to vote on (an older poll saved with fewer is left out)."""
    return (
        Poll.objects.filter(_on_public_target())
        .filter(pk__in=_polls_with_options_enough())
        .select_related("token", "token_list")
        .prefetch_related(Prefetch("options", queryset=_options_counted()))
    )


def _polls_with_options_enough():
    # A subquery, not an annotation: a GROUP BY would drop the model's default ordering.
    counted = PollOption.objects.values("poll").annotate(n=Count("pk"))
    return counted.filter(n__gte=MIN_POLL_OPTIONS).values("poll")


def _options_counted():
    return PollOption.objects.annotate(n_votes=Count("votes")).order_by("position", "pk")


def poll_get(*, pk) -> Poll:
    """A poll on an active token or a published list, for its page, its API and its votes."""
    number = _id_number(pk)
    poll = polls_list().filter(pk=number).first() if 0 < number < 2**63 else None
    if poll is None:
        raise Http404(_("No such poll."))
    return poll


def poll_open_for_list(*, token_list: TokenList) -> Poll | None:
    """The list's open poll (polls_list: with options enough to vote on)."""
    now = timezone.now()
    return (
        polls_list()
        .filter(token_list=token_list, is_open=True)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .first()
    )


def poll_my_vote(*, poll: Poll, user) -> int | None:
    if user is None or not user.is_authenticated:
        return None
    return PollVote.objects.filter(poll=poll, user=user).values_list("option_id", flat=True).first()


def poll_daily(*, poll: Poll) -> list[dict]:
    """Votes by UTC day of their last change and option, with the list's market cap at the
    end of that day when the poll is on a list: ``[{"day", "counts": {id: n},
    "market_cap_usd"}]``."""
    rows = (
        PollVote.objects.filter(poll=poll)
        .values_list("updated_at__date", "option_id")
        .annotate(n=Count("pk"))
        .order_by("updated_at__date")
    )
    days: dict[date, dict[int, int]] = {}
    for day, option_id, n in rows:
        days.setdefault(day, {})[option_id] = n
    caps = _daily_caps(poll) if days else {}
    return [
        {"day": day, "counts": counts, "market_cap_usd": caps.get(day)}
        for day, counts in days.items()
    ]


def _daily_caps(poll: Poll) -> dict[date, float]:
    """The list's total cap at its last hourly point of each UTC day (one query)."""
    if not poll.token_list_id:
        return {}
    series = (
        ListMetrics.objects.filter(token_list_id=poll.token_list_id)
        .values_list("cap_series", flat=True)
        .first()
    )
    caps: dict[date, float] = {}
    for epoch, cap in series or ():
        caps[datetime.fromtimestamp(epoch, tz=UTC).date()] = cap  # in time order: last wins
    return caps


def poll_results(poll: Poll) -> tuple[int, list[tuple]]:
    """(total votes, [(option, votes, share or None)]) from the prefetched counts."""
    options = list(poll.options.all())
    total = sum(option.n_votes for option in options)
    return total, [(o, o.n_votes, o.n_votes / total if total else None) for o in options]
