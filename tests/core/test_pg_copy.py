from datetime import UTC, date, datetime

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pg_copy import copy_in, dates_to_pg, rows_empty, timestamps_from_pg, timestamps_to_pg

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="binary COPY is PostgreSQL's"),
]

FIELDS = [("id", ">i8"), ("at", ">i8"), ("day", ">i4"), ("value", ">f8"), ("hours", (">f8", (3,)))]
T1990 = 631_152_000  # 1990-01-01 00:00 UTC: equity histories start before 2000


@pytest.fixture
def table():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copy_probe (id bigint, at timestamptz, day date, value float8,"
            " hours bytea)"
        )
    yield "copy_probe"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE copy_probe")


def _rows(count: int) -> np.ndarray:
    rows = rows_empty(FIELDS, count)
    rows["id"] = np.arange(count)
    epochs = np.arange(count) * 86_400 + T1990
    rows["at"], rows["day"] = timestamps_to_pg(epochs), dates_to_pg(epochs)
    rows["value"] = np.linspace(0.5, 2.0, count)
    rows["hours"] = np.arange(count * 3).reshape(count, 3)
    return rows


def _stored(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, at, day, value, hours FROM {table} ORDER BY id")
        return cursor.fetchall()


def test_rows_copied_in_are_stored_field_by_field(table):
    copy_in(table=table, columns="id, at, day, value, hours", rows=_rows(10_000))

    stored = _stored(table)
    assert len(stored) == 10_000
    assert stored[0][:4] == (0, datetime(1990, 1, 1, tzinfo=UTC), date(1990, 1, 1), 0.5)
    assert stored[-1][1:3] == (datetime(2017, 5, 18, tzinfo=UTC), date(2017, 5, 18))
    assert stored[-1][3] == 2.0
    assert np.frombuffer(stored[1][4], ">f8").tolist() == [3.0, 4.0, 5.0]  # packed, in order


def test_nan_is_stored_as_nan_not_as_a_shifted_row(table):
    rows = _rows(3)
    rows["value"][1] = np.nan
    copy_in(table=table, columns="id, at, day, value, hours", rows=rows)

    values = [row[3] for row in _stored(table)]
    assert values[0] == 0.5 and np.isnan(values[1]) and values[2] == 2.0


def test_timestamps_read_back_as_whole_seconds_floored():
    micros = timestamps_to_pg(np.array([T1990, 946_684_800])) + np.array([999_999, -500_000])

    assert timestamps_from_pg(micros).tolist() == [T1990, 946_684_799]


def test_each_copy_counts_as_one_query_where_queries_are_logged(table):
    with CaptureQueriesContext(connection) as captured:
        copy_in(table=table, columns="id, at, day, value, hours", rows=_rows(5_000))

    assert [q["sql"] for q in captured] == [
        "COPY copy_probe (id, at, day, value, hours) FROM STDIN (FORMAT BINARY)"
    ]


def test_fields_named_as_nulls_are_stored_as_null_in_one_stream_with_other_layouts(table):
    full, partial = _rows(2), rows_empty(FIELDS, 2, nulls={"value", "hours"})
    partial["id"], partial["at"], partial["day"] = (
        [7, 8],
        timestamps_to_pg(np.array([T1990, T1990])),
        [0, 1],
    )
    copy_in(table=table, columns="id, at, day, value, hours", rows=[full, partial])

    stored = _stored(table)
    assert [(row[0], row[3], row[4]) for row in stored[2:]] == [(7, None, None), (8, None, None)]
    assert stored[2][2] == date(2000, 1, 1) and stored[1][3] == 2.0
