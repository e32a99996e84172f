"""Episode, event and fact dates stay in the price data's range, 1990 to 2099 (UTC): a date
near year 1 or 9999 made the episode's page and API fail with an OverflowError."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from episodes.models import Episode, Event, MarketFact

pytestmark = pytest.mark.django_db

migration = importlib.import_module("episodes.migrations.0003_dates_in_range")
RULE_EN = "Give a date from 1990 to 2099 (UTC)."
RULE_FR = "Indiquez une date de 1990 à 2099 (UTC)."
NO_FACTS = {
    "facts-TOTAL_FORMS": "0", "facts-INITIAL_FORMS": "0",
    "facts-MIN_NUM_FORMS": "0", "facts-MAX_NUM_FORMS": "1000",
}  # fmt: skip


def _episode_form(start: str, end: str) -> dict:
    (start_day, start_time), (end_day, end_time) = start.split(), end.split()
    return {
        **NO_FACTS, "slug": "edge", "title": "Edge", "title_fr": "", "summary": "",
        "summary_fr": "", "start_0": start_day, "start_1": start_time, "end_0": end_day,
        "end_1": end_time,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01 00:00:00", "0001-01-03 00:00:00"),  # the probe's: start - 24 h overflowed
        ("9999-12-30 00:00:00", "9999-12-31 23:00:00"),
        ("2026-02-02 00:00:00", "9999-12-31 23:59:59"),
        ("1989-12-31 23:59:59", "2026-02-03 00:00:00"),
        ("2026-02-02 00:00:00", "2100-01-01 00:00:00"),
    ],
)
def test_the_admin_refuses_an_episode_dated_outside_1990_to_2099(admin_client, start, end):
    response = admin_client.post("/admin/episodes/episode/add/", _episode_form(start, end))

    assert response.status_code == 200
    assert RULE_EN in response.content.decode()
    assert not Episode.objects.exists()


def test_the_admin_says_so_in_french_and_accepts_the_range_s_bounds(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    refused = _episode_form("0001-01-01 00:00:00", "2026-02-03 00:00:00")

    assert RULE_FR in admin_client.post("/admin/episodes/episode/add/", refused).content.decode()
    bounds = _episode_form("1990-01-01 00:00:00", "2099-12-31 23:59:59")
    assert admin_client.post("/admin/episodes/episode/add/", bounds).status_code == 302
    assert Episode.objects.get().start == datetime(1990, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/episodes/event/add/", {"title": "Edge", "title_fr": "", "description": "",
                                        "description_fr": "", "url": ""}),
        ("/admin/episodes/marketfact/add/", {"value": "1", "unit": "usd", "wording": "Edge",
                                             "wording_fr": "", "source": "x", "source_url": ""}),
    ],
)  # fmt: skip
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_admin_refuses_an_event_or_a_fact_dated_outside_1990_to_2099(
    admin_client, url, data, day
):
    response = admin_client.post(url, {**data, "at_0": day, "at_1": "12:00:00"})

    assert response.status_code == 200
    assert RULE_EN in response.content.decode()
    assert not Event.objects.exists() and not MarketFact.objects.exists()


def test_the_database_refuses_dates_outside_1990_to_2099_and_keeps_its_bounds(story):
    first, last = datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    Episode.objects.filter(pk=story.pk).update(start=first, end=last - timedelta(microseconds=1))
    Event.objects.create(at=first, title="first")
    MarketFact.objects.create(
        value=1, at=last - timedelta(microseconds=1), wording="last", source="x"
    )

    refused = [
        lambda: Episode.objects.filter(pk=story.pk).update(start=datetime(1, 1, 1, tzinfo=UTC)),
        lambda: Episode.objects.filter(pk=story.pk).update(end=last),
        lambda: Event.objects.create(at=datetime(9999, 12, 31, tzinfo=UTC), title="late"),
        lambda: MarketFact.objects.create(
            value=1, at=first - timedelta(microseconds=1), wording="early", source="x"
        ),
    ]
    for write in refused:
        with pytest.raises(IntegrityError, match="_in_range"), transaction.atomic():
            write()


def test_the_migration_brings_rows_stored_before_the_rule_into_the_range(story):
    with connection.cursor() as cursor:  # data from before the constraints (rolled back after)
        for table, name in [
            ("episodes_episode", "episode_dates_in_range"),
            ("episodes_event", "event_at_in_range"),
            ("episodes_marketfact", "market_fact_at_in_range"),
        ]:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    year_1 = Episode.objects.create(
        slug="year-1", title="Year 1", is_published=True,
        start=datetime(1, 1, 1, tzinfo=UTC), end=datetime(1, 1, 3, tzinfo=UTC),
    )  # fmt: skip
    year_9999 = Episode.objects.create(
        slug="year-9999", title="Year 9999", is_published=True,
        start=datetime(9999, 12, 30, tzinfo=UTC), end=datetime(9999, 12, 31, 23, tzinfo=UTC),
    )  # fmt: skip
    open_ended = Episode.objects.create(
        slug="open-ended", title="Open", is_published=True,
        start=datetime(2026, 2, 2, tzinfo=UTC), end=datetime(9999, 12, 31, tzinfo=UTC),
    )  # fmt: skip
    event = Event.objects.create(at=datetime(9999, 12, 31, tzinfo=UTC), title="late")
    fact = MarketFact.objects.create(
        value=1, at=datetime(1, 1, 1, tzinfo=UTC), wording="w", source="x"
    )
    untouched = (story.start, story.end, story.is_published)

    migration.dates_bring_in_range(apps, None)

    first, last = datetime(1990, 1, 1, tzinfo=UTC), datetime(2099, 12, 31, 23, tzinfo=UTC)
    rows = Episode.objects.values_list("slug", "start", "end", "is_published")
    windows = {slug: rest for slug, *rest in rows}
    assert windows[year_1.slug] == [first, first + timedelta(hours=1), False]
    assert windows[year_9999.slug] == [last - timedelta(hours=1), last, False]
    assert windows[open_ended.slug] == [open_ended.start, last, False]
    assert tuple(windows[story.slug]) == untouched
    assert Event.objects.get(pk=event.pk).at == last
    assert MarketFact.objects.get(pk=fact.pk).at == first
