"""Writing computed token metrics: on PostgreSQL one binary COPY and one upsert.

A refresh rewrites every active token's row; Django's bulk_create spent more time building
and adapting the 27,000 parameters of 1,000 rows than PostgreSQL spent storing them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from django.db import connection, models, transaction

from core.pg_copy import PG_EPOCH, copy_in, rows_empty, timestamps_to_pg
from markets.models import TokenMetrics

_STAGE = "token_metrics_rows"
_COLUMNS = [f for f in TokenMetrics._meta.concrete_fields if f.name != "token"]
TOKEN_FIELDS = [f.name for f in _COLUMNS]
_TIMES = [f.column for f in _COLUMNS if isinstance(f, models.DateTimeField)]
_FLOATS = [f.column for f in _COLUMNS if isinstance(f, models.FloatField)]
_NULLABLE = {f.column for f in _COLUMNS if f.null}
_PG_ORIGIN = datetime.fromtimestamp(PG_EPOCH, UTC)
assert len(_TIMES) + len(_FLOATS) == len(_COLUMNS), "a TokenMetrics field of another type"


def token_metrics_build(token_id: int, values: dict, now: datetime) -> TokenMetrics:
    """An (unsaved) TokenMetrics from the values token_metrics_compute gave."""
    times = {name: datetime.fromtimestamp(values[name], UTC) for name in ("as_of", "ath_at")}
    return TokenMetrics(token_id=token_id, computed_at=now, **(values | times))


def _rows(computed: dict[int, dict], now: datetime) -> np.ndarray:
    fields = [("token_id", ">i8"), *((c, ">i8") for c in _TIMES), *((c, ">f8") for c in _FLOATS)]
    rows = rows_empty(fields, len(computed))
    values = list(computed.values())
    rows["token_id"] = list(computed)
    rows["computed_at"] = (now - _PG_ORIGIN) // timedelta(microseconds=1)
    for column in ("as_of", "ath_at"):
        rows[column] = timestamps_to_pg(np.array([v[column] for v in values], np.int64))
    for column in _FLOATS:
        rows[column] = [np.nan if v[column] is None else v[column] for v in values]
    return rows


def token_metrics_store(*, computed: dict[int, dict], now: datetime) -> None:
    """Insert or replace the TokenMetrics row of each token id in ``computed``."""
    if not computed:
        return
    if connection.vendor != "postgresql":
        TokenMetrics.objects.bulk_create(
            [token_metrics_build(tid, values, now) for tid, values in computed.items()],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["token"],
            update_fields=TOKEN_FIELDS,
        )
        return
    names = ["token_id", *_TIMES, *_FLOATS]
    table = TokenMetrics._meta.db_table
    picked = [f"nullif({c}, 'NaN')" if c in _NULLABLE else c for c in names]
    # In a transaction of its own if need be: the staging table empties at each commit.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} (LIKE {table}) ON COMMIT DELETE ROWS"
        )
        copy_in(table=_STAGE, columns=", ".join(names), rows=_rows(computed, now))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(picked)} FROM {_STAGE}"
            " ON CONFLICT (token_id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in names[1:])
        )
        cursor.execute(f"TRUNCATE {_STAGE}")
