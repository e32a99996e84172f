"""Database constraints of episodes, events, levels and market facts; texts by language;
the demo story seeded and removed with the demo data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from episodes.models import Episode, Event, Level, MarketFact
from markets.signals import demo_removed, demo_seeded
from tests.factories import TokenFactory, TokenListFactory

T = datetime(2026, 2, 6, tzinfo=UTC)


def fails():
    return pytest.raises(IntegrityError)


@pytest.mark.django_db
def test_an_episode_must_end_after_it_starts():
    with fails(), transaction.atomic():
        Episode.objects.create(slug="x", title="X", start=T, end=T)
    Episode.objects.create(slug="x", title="X", start=T, end=T + timedelta(hours=1))


@pytest.mark.django_db
def test_a_level_needs_a_positive_low_below_its_high(btc):
    for low, high in [(60_000, 58_000), (60_000, 60_000), (0, 1)]:
        with fails(), transaction.atomic():
            Level.objects.create(token=btc, low=low, high=high, label="Support")
    Level.objects.create(token=btc, low=58_000, high=60_000, label="Support")


@pytest.mark.django_db
def test_a_market_fact_needs_a_source_a_wording_and_a_known_unit():
    fact = {"at": T, "value": 2.6e9, "wording": "Liquidations", "source": "An article"}
    for broken in [{"source": ""}, {"wording": ""}, {"unit": "eur"}]:
        with fails(), transaction.atomic():
            MarketFact.objects.create(**(fact | broken))
    MarketFact.objects.create(**(fact | {"source": "", "source_url": "https://example.org/a"}))


@pytest.mark.django_db
def test_an_event_needs_a_title():
    with fails(), transaction.atomic():
        Event.objects.create(at=T, title="")


@pytest.mark.django_db
def test_texts_are_french_on_french_pages_when_there_is_a_translation():
    event = Event.objects.create(at=T, title="Bitcoin breaks 60 k$", title_fr="Le BTC casse 60 k$")
    untranslated = Event(at=T, title="Only English")
    with translation.override("fr"):
        assert event.display_title == "Le BTC casse 60 k$"
        assert untranslated.display_title == "Only English"
    assert event.display_title == "Bitcoin breaks 60 k$"


@pytest.fixture
def demo_world(db, btc):
    tokens = [TokenFactory(symbol=s) for s in ("TAO", "NEAR", "ICP", "RENDER")]
    ai = TokenListFactory(slug="ai")
    ai.members.add(*tokens)
    return ai


def test_the_demo_story_is_seeded_when_markets_seeds_the_demo(demo_world):
    demo_seeded.send(sender=None, end=T)
    episode = Episode.objects.get(slug="feb-2026")
    assert (episode.start, episode.end, episode.is_published) == (T - timedelta(days=7), T, True)
    assert [tl.slug for tl in episode.lists.all()] == ["ai"]  # no ai-equities list here
    assert Event.objects.filter(is_demo=True).count() == 8
    crash = Event.objects.get(title="Bitcoin loses 18\u00a0% in one session")
    assert crash.at == T - timedelta(hours=48)
    assert [t.symbol for t in crash.tokens.all()] == ["BTC"]
    facts = MarketFact.objects.filter(episode=episode)
    assert facts.get(value=2.6e9).wording_fr == "Positions à effet de levier liquidées en 24 heures"
    assert all("article" in fact.source for fact in facts)
    assert Level.objects.get(token__symbol="BTC").low == 58_000


def test_seeding_again_replaces_the_demo_rows_and_keeps_staffs(demo_world):
    staff_event = Event.objects.create(at=T, title="Staff's own")
    demo_seeded.send(sender=None, end=T)
    demo_seeded.send(sender=None, end=T + timedelta(days=1))
    assert Episode.objects.get(slug="feb-2026").end == T + timedelta(days=1)
    assert Event.objects.count() == 8 + 1 and Level.objects.count() == 1
    assert MarketFact.objects.count() == 8
    assert Event.objects.filter(pk=staff_event.pk).exists()


def test_an_episode_staff_made_with_the_demo_slug_is_left_alone(demo_world):
    Episode.objects.create(slug="feb-2026", title="Ours", start=T, end=T + timedelta(days=1))
    demo_seeded.send(sender=None, end=T)
    assert Episode.objects.get(slug="feb-2026").title == "Ours"
    assert MarketFact.objects.filter(is_demo=True, episode__isnull=True).count() == 8


def test_removing_the_demo_data_removes_the_demo_story_only(demo_world):
    demo_seeded.send(sender=None, end=T)
    staff_fact = MarketFact.objects.create(at=T, value=1, wording="Ours", source="Us")
    demo_removed.send(sender=None)
    assert not Episode.objects.exists() and not Event.objects.exists()
    assert not Level.objects.exists()
    assert list(MarketFact.objects.all()) == [staff_fact]
