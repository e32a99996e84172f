"""The read-only snapshot browser on a table of millions of rows: the whole-table list reads
no date range, distinct years or token ids from the snapshots (each a scan of the table: 0.56 s
of the page's 0.77 s of queries at 530,000 rows); one token's history offers the date
drill-down, read from that token's index range, newest first."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from markets.models import Snapshot

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:markets_snapshot_changelist")
NOW = datetime(2026, 2, 6, 8, 0, tzinfo=UTC)


@pytest.fixture
def history(tao, btc):
    Snapshot.objects.bulk_create(
        Snapshot(token=token, ts=NOW - timedelta(days=200 * i + j), source="csv", price_usd=1.0)
        for i in range(3)
        for j, token in enumerate([btc, tao])  # ids and times in opposite orders
    )


def _get(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST, params or {})
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def test_the_whole_table_list_reads_no_dates_or_token_ids_from_the_snapshots(admin_client, history):
    response, queries = _get(admin_client)

    read = [sql for sql in queries if 'FROM "markets_snapshot"' in sql]
    # The date range, the distinct years, the ids of tokens with snapshots: none is read.
    assert not [sql for sql in read if "MIN(" in sql or "DATE_TRUNC" in sql]
    assert not [sql for sql in read if 'DISTINCT "markets_snapshot"."token_id"' in sql]
    assert response.context["cl"].date_hierarchy is None
    assert len(response.context["cl"].result_list) == 6
    choices = [
        c["display"] for c in response.context["cl"].filter_specs[1].choices(response.context["cl"])
    ]
    assert {"TAO", "BTC"} <= {str(c) for c in choices}


def test_one_tokens_history_has_the_date_drill_down_newest_first(admin_client, history, tao):
    response, _ = _get(admin_client, {"token__id__exact": tao.pk})

    cl = response.context["cl"]
    assert cl.date_hierarchy == "ts"
    times = [row.ts for row in cl.result_list]
    assert times == sorted(times, reverse=True) and len(times) == 3
    assert ">2024<" in response.content.decode() or ">2025<" in response.content.decode()


def test_a_year_of_one_token_is_drilled_into(admin_client, history, tao):
    response, _ = _get(admin_client, {"token__id__exact": tao.pk, "ts__year": 2026})

    assert [row.ts.year for row in response.context["cl"].result_list] == [2026]
