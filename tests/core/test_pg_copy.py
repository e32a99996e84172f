import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pg_copy import (
    copy_in,
    copy_out,
    rows_empty,
    timestamps_from_pg,
    timestamps_to_pg,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="binary COPY is PostgreSQL's"),
]


@pytest.fixture
def table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE copy_probe (id bigint, at timestamptz, value float8)")
    yield "copy_probe"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE copy_probe")


def _rows(count: int) -> np.ndarray:
    rows = rows_empty([("id", ">i8"), ("at", ">i8"), ("value", ">f8")], count)
    rows["id"] = np.arange(count)
    rows["at"] = timestamps_to_pg(np.arange(count) * 3_600 + 631_152_000)  # from 1990
    rows["value"] = np.linspace(0.5, 2.0, count)
    return rows


def test_rows_written_come_back_the_same(table):
    copy_in(table=table, columns="id, at, value", rows=_rows(1_000))

    out = copy_out(
        select=f"SELECT id, at, value FROM {table} ORDER BY id",
        fields=[("id", ">i8"), ("at", ">i8"), ("value", ">f8")],
    )

    assert out["id"].tolist() == list(range(1_000))
    assert timestamps_from_pg(out["at"])[[0, -1]].tolist() == [631_152_000, 634_748_400]
    assert np.array_equal(out["value"], np.linspace(0.5, 2.0, 1_000))


def test_timestamps_read_back_as_whole_seconds_floored(table):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, at, value) VALUES"
            " (1, '2026-02-05 10:00:00.999+00', 1), (2, '1999-12-31 23:59:59.5+00', 1)"
        )
    out = copy_out(select=f"SELECT at FROM {table} ORDER BY id", fields=[("at", ">i8")])

    assert timestamps_from_pg(out["at"]).tolist() == [1_770_285_600, 946_684_799]


def test_an_empty_answer_is_an_empty_array(table):
    out = copy_out(select=f"SELECT id FROM {table}", fields=[("id", ">i8")])

    assert len(out) == 0


def test_a_null_is_refused_rather_than_misread(table):
    copy_in(table=table, columns="id, at, value", rows=_rows(3))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = NULL WHERE id = 2")

    with pytest.raises(ValueError):
        copy_out(
            select=f"SELECT id, value FROM {table} ORDER BY id",
            fields=[("id", ">i8"), ("value", ">f8")],
        )


def test_a_column_wider_than_declared_is_refused(table):
    copy_in(table=table, columns="id, at, value", rows=_rows(2))

    with pytest.raises(ValueError):
        copy_out(select=f"SELECT id, id FROM {table}", fields=[("id", ">i4"), ("x", ">i8")])


def test_each_copy_counts_as_one_query_where_queries_are_logged(table):
    with CaptureQueriesContext(connection) as captured:
        copy_in(table=table, columns="id, at, value", rows=_rows(5_000))
        copy_out(select=f"SELECT id FROM {table}", fields=[("id", ">i8")])

    assert [q["sql"].split(" (")[0] for q in captured] == ["COPY copy_probe", "COPY"]
