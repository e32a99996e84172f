"""Daily sentiment votes and scenario polls: one vote per person, changeable, constraints."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core.cache import data_version
from discussions import selectors, services
from discussions.models import Poll, PollOption, PollVote, SentimentVote
from discussions.services.polls import scenario_poll_seed
from discussions.services.votes import VOTE_BUMP_SECONDS
from tests.factories import TokenListFactory

NOW = datetime(2026, 2, 6, 23, 0, tzinfo=UTC)


def test_one_sentiment_vote_per_user_per_utc_day_changeable_that_day(alice, bob, tao):
    with time_machine.travel(NOW, tick=False) as frozen:
        services.sentiment_vote(token=tao, user=alice, stance="bullish")
        services.sentiment_vote(token=tao, user=alice, stance="bearish")
        services.sentiment_vote(token=tao, user=bob, stance="bearish")
        today = selectors.token_sentiment(token=tao, user=alice)
        assert (today.today.bullish, today.today.bearish, today.today.voters) == (0, 2, 2)
        assert today.my_vote == "bearish"
        frozen.shift(timedelta(hours=1, seconds=1))  # past midnight UTC: a new day
        services.sentiment_vote(token=tao, user=alice, stance="bullish")
        sentiment = selectors.token_sentiment(token=tao, user=alice)
    assert SentimentVote.objects.count() == 3
    assert sentiment.today.bullish_share == 1.0 and sentiment.today.voters == 1
    assert len(sentiment.days) == 30
    assert (sentiment.days[-2].bearish, sentiment.days[-2].voters) == (2, 2)


def test_a_vote_needs_a_stance(alice, tao):
    with pytest.raises(ValidationError):
        services.sentiment_vote(token=tao, user=alice, stance="")
    assert not SentimentVote.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_votes_leave_one_row(tao, alice):
    errors = []

    def vote(stance):
        try:
            services.sentiment_vote(token=tao, user=alice, stance=stance)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(s,)) for s in ("bullish", "bearish") * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SentimentVote.objects.count() == 1


@pytest.fixture
def poll(db):
    return scenario_poll_seed(token_list=TokenListFactory(slug="sector"))


def test_the_ai_list_gets_the_articles_poll_when_created(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ai = TokenListFactory(slug="ai")
    poll = Poll.objects.get(token_list=ai)
    assert poll.question_fr == "Tokens IA\u202f: condamnés ou purge saine\u202f?"
    assert [o.label_fr for o in poll.options.all()] == [
        "Capitulation puis rebond",
        "Mort du narratif IA décentralisé",
        "Coexistence différenciée",
    ]
    assert scenario_poll_seed(token_list=ai) is None  # never twice


def test_one_poll_vote_per_user_changeable_while_open(poll, alice, bob):
    first, second, _third = poll.options.all()
    services.poll_vote(poll=poll, user=alice, option_id=first.pk)
    services.poll_vote(poll=poll, user=alice, option_id=second.pk)
    services.poll_vote(poll=poll, user=bob, option_id=second.pk)
    total, results = selectors.poll_results(selectors.poll_get(pk=poll.pk))
    assert total == 2
    assert [(votes, share) for _o, votes, share in results] == [(0, 0.0), (2, 1.0), (0, 0.0)]
    assert PollVote.objects.count() == 2


def test_a_vote_with_another_polls_option_or_on_a_closed_poll_is_refused(poll, alice):
    other = scenario_poll_seed(token_list=TokenListFactory(slug="other"))
    with pytest.raises(ValidationError) as caught:
        services.poll_vote(poll=poll, user=alice, option_id=other.options.first().pk)
    assert caught.value.message_dict == {"option": ["Choose one of this poll's options."]}
    poll.closes_at = datetime(2020, 1, 1, tzinfo=UTC)
    poll.save(update_fields=["closes_at"])
    with pytest.raises(ValidationError) as caught:
        services.poll_vote(poll=poll, user=alice, option_id=poll.options.first().pk)
    assert caught.value.message_dict == {"option": ["This poll is closed."]}
    assert not PollVote.objects.exists()


def test_the_daily_series_counts_votes_by_the_day_of_their_last_change(poll, alice, bob):
    first = poll.options.first()
    with time_machine.travel(NOW, tick=False):
        services.poll_vote(poll=poll, user=alice, option_id=first.pk)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.poll_vote(poll=poll, user=bob, option_id=first.pk)
    assert selectors.poll_daily(poll=poll) == [
        {"day": NOW.date(), "counts": {first.pk: 1}, "market_cap_usd": None},
        {"day": NOW.date() + timedelta(days=1), "counts": {first.pk: 1}, "market_cap_usd": None},
    ]


def test_the_daily_series_carries_the_lists_cap_at_the_end_of_each_day(poll, alice):
    from markets.models import ListMetrics

    day = int(NOW.replace(hour=0).timestamp())
    ListMetrics.objects.create(
        token_list=poll.token_list, computed_at=NOW,
        cap_series=[[day + 3600, 5e9], [day + 23 * 3600, 4e9], [day + 25 * 3600, 3e9]],
    )  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        services.poll_vote(poll=poll, user=alice, option_id=poll.options.first().pk)
    assert selectors.poll_daily(poll=poll)[0]["market_cap_usd"] == 4e9


def test_poll_options_keep_their_order(poll):
    positions = PollOption.objects.filter(poll=poll).values_list("position", flat=True)
    assert list(positions) == [0, 1, 2]


def test_a_muted_user_cannot_vote_until_the_mute_ends(alice, staff, tao, poll):
    """Votes shape the public sentiment and poll figures, so a mute stops them as it stops
    comments; the votes cast before the mute stay."""
    option = poll.options.first()
    with time_machine.travel(NOW, tick=False) as frozen:
        services.sentiment_vote(token=tao, user=alice, stance="bullish")
        services.user_mute(user=alice, moderator=staff, days=1, reason="vote brigading")
        with pytest.raises(PermissionDenied, match="muted by the moderators until"):
            services.sentiment_vote(token=tao, user=alice, stance="bearish")
        with pytest.raises(PermissionDenied, match="muted by the moderators until"):
            services.poll_vote(poll=poll, user=alice, option_id=option.pk)
        assert list(SentimentVote.objects.values_list("stance", flat=True)) == ["bullish"]
        assert not PollVote.objects.exists()
        frozen.shift(timedelta(days=1, seconds=1))
        services.poll_vote(poll=poll, user=alice, option_id=option.pk)
    assert PollVote.objects.get().user == alice


def test_votes_refresh_the_anonymous_page_cache_at_most_every_few_seconds(
    alice, bob, tao, poll, django_capture_on_commit_callbacks
):
    """Every vote used to bump the data version, so one voter flipping a vote through the
    API (600 a minute) kept every cached page of the site empty for everybody."""
    option = poll.options.first()
    with time_machine.travel(NOW, tick=False) as frozen:
        before = data_version()
        with django_capture_on_commit_callbacks(execute=True):
            for stance in ("bullish", "bearish", "bullish"):
                services.sentiment_vote(token=tao, user=alice, stance=stance)
            services.poll_vote(poll=poll, user=bob, option_id=option.pk)
        assert data_version() == before + 1
        frozen.shift(timedelta(seconds=VOTE_BUMP_SECONDS + 1))
        with django_capture_on_commit_callbacks(execute=True):
            services.sentiment_vote(token=tao, user=bob, stance="bearish")
        assert data_version() == before + 2
