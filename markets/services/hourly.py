"""Hourly closes: the last price of each UTC hour, derived from snapshots after ingest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

import numpy as np
from django.db import connection

from markets.models import PriceDayCloses, PriceHourly, Snapshot

TABLE = Snapshot._meta.db_table
HOURLY_TABLE = PriceHourly._meta.db_table


def price_hourly_refresh(*, token_ids: Iterable[int], since: int, until: int) -> None:
    """Rebuild the hourly closes (last price of each UTC hour) touched by new quotes."""
    ids = sorted(set(token_ids))
    if not ids:
        return
    if connection.vendor == "postgresql":
        hour = "date_trunc('hour', ts)"
    else:
        hour = "strftime('%%Y-%%m-%%d %%H:00:00', ts)"
    start, end = since - since % 3600, until - until % 3600 + 3600
    ts_field = Snapshot._meta.get_field("ts")
    bounds = [ts_field.get_db_prep_value(datetime.fromtimestamp(x, UTC), connection)
              for x in (start, end)]  # fmt: skip
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {HOURLY_TABLE} (token_id, hour, close_usd)"
            " SELECT token_id, hour, price_usd FROM ("
            f"  SELECT token_id, {hour} AS hour, price_usd, ROW_NUMBER() OVER ("
            f"   PARTITION BY token_id, {hour} ORDER BY ts DESC, source DESC) AS rn"
            f"  FROM {TABLE} WHERE token_id IN ({marks}) AND ts >= %s AND ts < %s"
            " ) last_of_hour WHERE rn = 1"
            " ON CONFLICT (token_id, hour) DO UPDATE SET close_usd = excluded.close_usd",
            [*ids, *bounds],
        )
    price_day_closes_refresh(token_ids=ids, since=start, until=end - 1)


DAY_TABLE = PriceDayCloses._meta.db_table
_POSTGRES_DAYS = f"""
INSERT INTO {DAY_TABLE} (token_id, day, closes)
SELECT d.token_id, d.day,
       string_agg(float8send(coalesce(h.close_usd, 'NaN'::float8)), ''::bytea ORDER BY g.n)
FROM (SELECT DISTINCT token_id, (hour AT TIME ZONE 'UTC')::date AS day FROM {HOURLY_TABLE}
      WHERE token_id = ANY(%s) AND hour >= %s AND hour < %s) d
CROSS JOIN generate_series(0, 23) AS g(n)
LEFT JOIN {HOURLY_TABLE} h ON h.token_id = d.token_id
      AND h.hour = (d.day::timestamp AT TIME ZONE 'UTC') + g.n * interval '1 hour'
GROUP BY d.token_id, d.day
ON CONFLICT (token_id, day) DO UPDATE SET closes = excluded.closes
"""


def price_day_closes_refresh(*, token_ids: Iterable[int], since: int, until: int) -> None:
    """Repack the days of hourly closes in [since, until) (epoch seconds, widened to whole
    UTC days) of these tokens into PriceDayCloses rows: one statement on PostgreSQL."""
    ids = sorted(set(token_ids))
    if not ids:
        return
    start, end = since - since % 86_400, until - until % 86_400 + 86_400
    bounds = [datetime.fromtimestamp(x, UTC) for x in (start, end)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRES_DAYS, [ids, *bounds])
        return
    _day_closes_refresh_python(ids, *bounds)


def _day_closes_refresh_python(ids: list[int], start: datetime, end: datetime) -> None:
    """The same packing in Python (SQLite, development)."""
    days: dict[tuple[int, date], np.ndarray] = {}
    rows = PriceHourly.objects.filter(token_id__in=ids, hour__gte=start, hour__lt=end)
    for token_id, hour, close in rows.values_list("token_id", "hour", "close_usd").iterator():
        hour = hour.astimezone(UTC)
        slots = days.setdefault((token_id, hour.date()), np.full(24, np.nan))
        slots[hour.hour] = close
    PriceDayCloses.objects.bulk_create(
        [PriceDayCloses(token_id=t, day=d, closes=s.astype(">f8").tobytes())
         for (t, d), s in days.items()],
        update_conflicts=True, unique_fields=["token", "day"], update_fields=["closes"],
        batch_size=500,
    )  # fmt: skip
