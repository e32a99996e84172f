"""Episode, event and fact dates stay in the price data's range, 1990 to 2099 (UTC): field
validators (a clean error in the admin) and check constraints.

A date near year 1 or 9999 made the episode's page and API fail (the 24 h reference and the
replay's hour steps overflowed) and the event admin's date drill-down too. Rows stored before
the rule are brought inside it first: each date outside moves to the nearest bound
(1990-01-01 00:00 or 2099-12-31 23:00 UTC), an episode keeping at least an hour between its
start and its end; such an episode is unpublished, for staff to give it its real dates. Each
change is printed. Dates inside the range (every demo row) are untouched.
"""

import datetime

from django.db import migrations, models
from django.db.models import Q

import episodes.models

UTC = datetime.timezone.utc
EARLIEST = datetime.datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime.datetime(2100, 1, 1, tzinfo=UTC)  # excluded
LAST = LATEST - datetime.timedelta(hours=1)
HOUR = datetime.timedelta(hours=1)


def _outside(field: str) -> Q:
    return Q(**{f"{field}__lt": EARLIEST}) | Q(**{f"{field}__gte": LATEST})


def _shown(value: datetime.datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="minutes")  # %Y drops year 1's zeros


def _inside(value: datetime.datetime) -> datetime.datetime:
    return min(max(value, EARLIEST), LAST)


def dates_bring_in_range(apps, schema_editor):
    Episode = apps.get_model("episodes", "Episode")
    for episode in Episode.objects.filter(_outside("start") | _outside("end")).order_by("pk"):
        start, end = _inside(episode.start), _inside(episode.end)
        if end <= start:  # both were on the same side of the range
            start, end = (start, start + HOUR) if start < LAST else (end - HOUR, end)
        print(
            f"\n  episodes: episode {episode.pk} ({episode.slug}) {_shown(episode.start)}"
            f" - {_shown(episode.end)} moved to {_shown(start)}"
            f" - {_shown(end)} and unpublished (dates out of 1990-2099)"
        )
        Episode.objects.filter(pk=episode.pk).update(start=start, end=end, is_published=False)
    for model in ("Event", "MarketFact"):
        rows = apps.get_model("episodes", model).objects.filter(_outside("at"))
        for pk, at in rows.order_by("pk").values_list("pk", "at"):
            moved = _inside(at)
            rows.filter(pk=pk).update(at=moved)
            print(
                f"\n  episodes: {model.lower()} {pk} {_shown(at)} moved to"
                f" {_shown(moved)} (date out of 1990-2099)"
            )


class Migration(migrations.Migration):

    dependencies = [
        ('episodes', '0002_verbose_names_translated'),
        ('markets', '0012_featured_list_public'),
    ]

    operations = [
        migrations.RunPython(dates_bring_in_range, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='episode',
            name='end',
            field=models.DateTimeField(help_text='End of the window (UTC), after the start', validators=[episodes.models.date_validate], verbose_name='end'),
        ),
        migrations.AlterField(
            model_name='episode',
            name='start',
            field=models.DateTimeField(help_text='Start of the window the figures cover (UTC)', validators=[episodes.models.date_validate], verbose_name='start'),
        ),
        migrations.AlterField(
            model_name='event',
            name='at',
            field=models.DateTimeField(validators=[episodes.models.date_validate], verbose_name='at'),
        ),
        migrations.AlterField(
            model_name='marketfact',
            name='at',
            field=models.DateTimeField(help_text='When the figure applies (UTC)', validators=[episodes.models.date_validate], verbose_name='at'),
        ),
        migrations.AddConstraint(
            model_name='episode',
            constraint=models.CheckConstraint(condition=models.Q(('start__gte', datetime.datetime(1990, 1, 1, 0, 0, tzinfo=UTC)), ('start__lt', datetime.datetime(2100, 1, 1, 0, 0, tzinfo=UTC)), ('end__gte', datetime.datetime(1990, 1, 1, 0, 0, tzinfo=UTC)), ('end__lt', datetime.datetime(2100, 1, 1, 0, 0, tzinfo=UTC))), name='episode_dates_in_range', violation_error_message='Give a date from 1990 to 2099 (UTC).'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(('at__gte', datetime.datetime(1990, 1, 1, 0, 0, tzinfo=UTC)), ('at__lt', datetime.datetime(2100, 1, 1, 0, 0, tzinfo=UTC))), name='event_at_in_range', violation_error_message='Give a date from 1990 to 2099 (UTC).'),
        ),
        migrations.AddConstraint(
            model_name='marketfact',
            constraint=models.CheckConstraint(condition=models.Q(('at__gte', datetime.datetime(1990, 1, 1, 0, 0, tzinfo=UTC)), ('at__lt', datetime.datetime(2100, 1, 1, 0, 0, tzinfo=UTC))), name='market_fact_at_in_range', violation_error_message='Give a date from 1990 to 2099 (UTC).'),
        ),
    ]
