"""Daily sentiment votes and scenario poll votes: one row per person, changeable.

Both write with INSERT … ON CONFLICT DO UPDATE on the unique constraint, so two votes sent
at once by the same person leave one row (the last one wins).
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.cache import data_version_bump_throttled
from discussions.models import Poll, PollOption, PollVote, SentimentVote, Stance
from discussions.services.comments import user_mute_check
from markets.models import Token

# One user can change a vote as fast as the API lets them: anonymous pages are refreshed for
# votes at most this often instead of on each (core.cache.data_version_bump_throttled).
VOTE_BUMP_SECONDS = 5
_votes_bump = partial(data_version_bump_throttled, reason="votes", seconds=VOTE_BUMP_SECONDS)


def sentiment_vote(*, token: Token, user, stance: str) -> SentimentVote:
    """Today's (UTC) vote of ``user`` on ``token``: a new one, or a change of today's."""
    if stance not in Stance.values:
        raise ValidationError({"stance": [_("Vote bullish or bearish.")]})
    now = timezone.now()
    user_mute_check(user=user, now=now)
    vote = SentimentVote(token=token, user=user, day=now.date(), stance=stance, updated_at=now)
    SentimentVote.objects.bulk_create(
        [vote], update_conflicts=True, unique_fields=["token", "user", "day"],
        update_fields=["stance", "updated_at"],
    )  # fmt: skip
    transaction.on_commit(_votes_bump)
    return vote


def poll_vote(*, poll: Poll, user, option_id) -> PollVote:
    """Vote for (or change to) one option of an open poll."""
    now = timezone.now()
    if not poll.accepts_votes(now):
        raise ValidationError({"option": [_("This poll is closed.")]})
    user_mute_check(user=user, now=now)
    option = PollOption.objects.filter(poll=poll, pk=_int_or_none(option_id)).first()
    if option is None:
        raise ValidationError({"option": [_("Choose one of this poll's options.")]})
    vote = PollVote(poll=poll, option=option, user=user, updated_at=now)
    PollVote.objects.bulk_create(
        [vote], update_conflicts=True, unique_fields=["poll", "user"],
        update_fields=["option", "updated_at"],
    )  # fmt: skip
    transaction.on_commit(_votes_bump)
    return vote


def _int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None
