"""PostgreSQL binary COPY FROM STDIN through numpy structured arrays.

A binary COPY row is a field count (int16) then, per field, its length (int32) and its bytes,
all big-endian (a NULL is the length -1 and no bytes). With fixed-width fields, the rows that
are NULL in the same fields share one layout, so a stream is one numpy array per layout: no
Python object per row. PostgreSQL only. (Reading the other way, psycopg hands COPY TO STDOUT
over one row per call: the metrics read packs each token's rows into one value in SQL.)
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from django.db import connection

PG_EPOCH = 946_684_800  # 2000-01-01 UTC: origin of binary timestamps (µs) and dates (days)
DAY = 86_400
_HEADER, _TRAILER = b"PGCOPY\n\xff\r\n\x00" + bytes(8), b"\xff\xff"
_CHUNK = 1 << 20

Fields = Sequence[tuple[str, str | tuple[str, tuple[int, ...]]]]


def _row_layout(fields: Fields, nulls: Collection[str]) -> np.dtype:
    """The dtype of one row of ``fields`` ((name, big-endian numpy type), in column order);
    a field named in ``nulls`` is a NULL: its length only (-1), no bytes."""
    layout: list[tuple] = [("_n", ">i2")]
    for number, (name, kind) in enumerate(fields):
        layout.append((f"_l{number}", ">i4"))
        if name not in nulls:
            layout.append((name, *kind) if isinstance(kind, tuple) else (name, kind))
    return np.dtype(layout)


def rows_empty(fields: Fields, count: int, *, nulls: Collection[str] = ()) -> np.ndarray:
    """``count`` rows to fill in, their field count and lengths already set; the fields named
    in ``nulls`` are NULL in every row (and have no value to fill in)."""
    rows = np.empty(count, _row_layout(fields, nulls))
    rows["_n"] = len(fields)
    for number, (name, _) in enumerate(fields):
        rows[f"_l{number}"] = -1 if name in nulls else rows.dtype.fields[name][0].itemsize
    return rows


def timestamps_to_pg(epochs: np.ndarray) -> np.ndarray:
    """Epoch seconds -> binary timestamptz (µs since 2000-01-01)."""
    return (epochs - PG_EPOCH) * 1_000_000


def timestamps_from_pg(micros: np.ndarray) -> np.ndarray:
    """Binary timestamptz -> whole epoch seconds, floored (as datetime.timestamp() truncates
    for any time after 1970)."""
    return micros.astype(np.int64) // 1_000_000 + PG_EPOCH


def dates_to_pg(day_starts: np.ndarray) -> np.ndarray:
    """Epoch seconds of UTC midnights -> binary date (days since 2000-01-01)."""
    return (day_starts - PG_EPOCH) // DAY


@contextmanager
def _logged(statement: str) -> Iterator[None]:
    """Record a COPY like any other query where queries are logged (DEBUG, query-count
    tests): psycopg's copy() does not go through Django's cursor wrapper."""
    start = time.monotonic()
    try:
        yield
    finally:
        if connection.queries_logged:
            spent = time.monotonic() - start
            connection.queries_log.append({"sql": statement, "time": f"{spent:.3f}"})


def copy_in(*, table: str, columns: str, rows: np.ndarray | Sequence[np.ndarray]) -> None:
    """COPY ``rows`` (from rows_empty; several arrays of one field order, each with its own
    NULL fields, go in one stream) into ``table`` (``columns`` in field order)."""
    parts = [rows] if isinstance(rows, np.ndarray) else rows
    payload = memoryview(b"".join([_HEADER, *(part.tobytes() for part in parts), _TRAILER]))
    statement = f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
    with _logged(statement), connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for start in range(0, len(payload), _CHUNK):
            copy.write(payload[start : start + _CHUNK])
