"""Hourly closes: the last price of each UTC hour, derived from snapshots after ingest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import connection

from markets.models import PriceHourly, Snapshot

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
            f"   PARTITION BY token_id, {hour} ORDER BY ts DESC, source) AS rn"
            f"  FROM {TABLE} WHERE token_id IN ({marks}) AND ts >= %s AND ts < %s"
            " ) last_of_hour WHERE rn = 1"
            " ON CONFLICT (token_id, hour) DO UPDATE SET close_usd = excluded.close_usd",
            [*ids, *bounds],
        )
