"""The CSV export and the raw snapshot pages hold a bounded number of rows in memory."""

import tracemalloc

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.services.ingest import QuoteColumns, snapshot_ingest

END = 1_770_379_200  # 2026-02-06T12:00:00Z
SINCE, UNTIL = "2020-01-01T00:00:00Z", "2026-02-07T00:00:00Z"


def history(token, rows: int) -> None:
    ts = END - 60 * np.arange(rows, dtype=np.int64)[::-1]
    snapshot_ingest(
        quotes=QuoteColumns(np.full(rows, token.id, np.int64), ts, 100 + np.arange(rows) / rows,
                            np.full(rows, 1e9), np.full(rows, 1e6)),
        source="test",
    )  # fmt: skip


def csv_peak(client, token) -> tuple[int, int]:
    """(peak traced bytes while streaming the whole export, lines received)."""
    response = client.get(
        f"/api/v1/tokens/{token.symbol}/snapshots/",
        {"since": SINCE, "until": UNTIL, "format": "csv"},
    )
    assert response.status_code == 200 and response.streaming
    tracemalloc.start()
    try:
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, lines


@pytest.mark.django_db(transaction=True)  # server-side cursors need autocommit on PostgreSQL
def test_the_csv_export_streams_with_memory_that_does_not_grow_with_the_history(api_client, tao):
    history(tao, 3_000)
    small, small_lines = csv_peak(api_client, tao)
    history(tao, 30_000)
    large, large_lines = csv_peak(api_client, tao)
    assert (small_lines, large_lines) == (3_001, 30_001)
    assert large < 2 * small + 200_000, (small, large)  # 10x the rows, not 10x the memory


@pytest.mark.django_db
def test_a_raw_snapshot_page_reads_one_page_of_rows(api_client, tao):
    history(tao, 5_000)
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get(
            f"/api/v1/tokens/{tao.symbol}/snapshots/", {"since": SINCE, "until": UNTIL}
        )
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1_000
    reads = [q["sql"] for q in ctx.captured_queries if "markets_snapshot" in q["sql"]]
    assert reads and all("LIMIT 1001" in sql for sql in reads), reads
