"""Hourly and day closes of a big batch of new history, computed from the batch itself.

When the ingest found no stored snapshot (of any source) in the hours a token's new quotes
span, the closes of those hours are the batch's own last quote of each hour: numpy computes
them and one binary COPY per table stores them, instead of re-reading and sorting every new
snapshot in SQL. Only the first and last day of each token's span may hold older closes, so
those days are repacked in SQL. Anything unexpected (a stale hourly row) falls back to the
general SQL refresh. PostgreSQL only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.db import IntegrityError, connection, transaction

from core.pg_copy import copy_in, dates_to_pg, rows_empty, timestamps_to_pg
from markets.services.bulk_load import token_keys_checked_once
from markets.services.hourly import DAY_TABLE, HOURLY_TABLE, price_hourly_refresh
from markets.services.ingest import QuoteColumns

HOUR, DAY = 3_600, 86_400

_EDGE_DAYS = f"""
INSERT INTO {DAY_TABLE} (token_id, day, closes)
SELECT d.token_id, d.day,
       string_agg(float8send(coalesce(h.close_usd, 'NaN'::float8)), ''::bytea ORDER BY g.n)
FROM unnest(%s::int8[], %s::date[]) AS d(token_id, day)
CROSS JOIN generate_series(0, 23) AS g(n)
LEFT JOIN {HOURLY_TABLE} h ON h.token_id = d.token_id
      AND h.hour = (d.day::timestamp AT TIME ZONE 'UTC') + g.n * interval '1 hour'
GROUP BY d.token_id, d.day
ON CONFLICT (token_id, day) DO UPDATE SET closes = excluded.closes
"""


def closes_of_hours(quotes: QuoteColumns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(token ids, hour starts, closes): the last quote of each token and UTC hour.

    ``quotes`` are in (token, ts) order with one row per key, as the ingest leaves them.
    """
    hours = quotes.ts - quotes.ts % HOUR
    last = np.ones(len(quotes), dtype=bool)
    last[:-1] = (quotes.token_id[1:] != quotes.token_id[:-1]) | (hours[1:] != hours[:-1])
    return quotes.token_id[last], hours[last], quotes.price_usd[last]


def _hourly_rows(tokens: np.ndarray, hours: np.ndarray, closes: np.ndarray) -> np.ndarray:
    rows = rows_empty([("token_id", ">i8"), ("hour", ">i8"), ("close", ">f8")], len(tokens))
    rows["token_id"], rows["hour"], rows["close"] = tokens, timestamps_to_pg(hours), closes
    return rows


def day_closes_split(
    tokens: np.ndarray, hours: np.ndarray, closes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """Pack the days lying wholly inside each token's span of hours (24 big-endian float64,
    NaN for an hour without a quote): (token ids, day starts, packed 24x8 bytes, edge days).
    Edge days, (token id, day start), may hold closes from before or after the batch."""
    starts = np.r_[0, np.flatnonzero(np.diff(tokens)) + 1]
    span_lo = np.repeat(hours[starts], np.diff(np.r_[starts, len(tokens)]))
    span_hi = np.repeat(
        hours[np.r_[starts[1:], len(tokens)] - 1], np.diff(np.r_[starts, len(tokens)])
    )
    days = hours - hours % DAY
    inner = (days >= span_lo) & (days + DAY - HOUR <= span_hi)
    edge = sorted(set(zip(tokens[~inner].tolist(), days[~inner].tolist(), strict=True)))
    # Rows are in (token, hour) order: a new (token, day) starts wherever either changes.
    in_tokens, in_days = tokens[inner], days[inner]
    first = np.ones(len(in_tokens), dtype=bool)
    first[1:] = (in_tokens[1:] != in_tokens[:-1]) | (in_days[1:] != in_days[:-1])
    slot_of = np.cumsum(first) - 1
    packed = np.full((int(first.sum()), 24), np.nan)
    packed[slot_of, (hours[inner] - in_days) // HOUR] = closes[inner]
    return in_tokens[first], in_days[first], packed.astype(">f8"), edge


def _days_rows(tokens: np.ndarray, days: np.ndarray, packed: np.ndarray) -> np.ndarray:
    fields = [("token_id", ">i8"), ("day", ">i4"), ("closes", (">f8", (24,)))]
    rows = rows_empty(fields, len(tokens))
    rows["token_id"], rows["day"], rows["closes"] = tokens, dates_to_pg(days), packed
    return rows


def price_closes_from_batch(*, quotes: QuoteColumns) -> None:
    """Store the hourly and day closes of a batch whose hours held no other snapshot."""
    tokens, hours, closes = closes_of_hours(quotes)
    ids = np.unique(tokens).tolist()
    try:
        # A savepoint: a stale close only costs the fast path.
        with transaction.atomic(), token_keys_checked_once(token_ids=ids):
            copy_in(
                table=HOURLY_TABLE,
                columns="token_id, hour, close_usd",
                rows=_hourly_rows(tokens, hours, closes),
            )
            day_tokens, days, packed, edges = day_closes_split(tokens, hours, closes)
            copy_in(
                table=DAY_TABLE,
                columns="token_id, day, closes",
                rows=_days_rows(day_tokens, days, packed),
            )
    except (IntegrityError, connection.Database.IntegrityError):  # COPY errors come unwrapped
        price_hourly_refresh(token_ids=ids, since=int(quotes.ts.min()), until=int(quotes.ts.max()))
        return
    if edges:
        with connection.cursor() as cursor:
            cursor.execute(
                _EDGE_DAYS,
                [[t for t, _ in edges], [datetime.fromtimestamp(d, UTC).date() for _, d in edges]],
            )
