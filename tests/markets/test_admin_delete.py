"""Deleting a token in the admin: its confirmation page counts the token's history instead of
loading and listing every snapshot (a token quoted every 5 minutes has 26,000 in 90 days)."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from markets.models import Snapshot, Token
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.metrics import metrics_recompute

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 2, 6, 8, 0, tzinfo=UTC)


def _history(token: Token, hours: int) -> None:
    import numpy as np

    epoch = int(NOW.timestamp())
    ts = np.array([epoch - 3600 * i for i in reversed(range(hours))], dtype=np.int64)
    price = np.linspace(100.0, 150.0, hours)
    cap = price * 1e6
    columns = QuoteColumns(np.full(hours, token.pk, dtype=np.int64), ts, price, cap, cap / 10)
    snapshot_ingest(quotes=columns, source="csv")
    metrics_recompute(token_ids=[token.pk])


def test_the_token_delete_page_counts_its_snapshots_without_reading_them(admin_client, tao):
    _history(tao, 30)
    url = reverse("admin:markets_token_delete", args=[tao.pk])

    with CaptureQueriesContext(connection) as ctx:
        page = admin_client.get(url)

    assert page.status_code == 200 and not page.context["perms_lacking"]
    for table in ("markets_snapshot", "markets_pricehourly"):  # the history, hour by hour
        read = [q["sql"] for q in ctx.captured_queries if f'FROM "{table}"' in q["sql"]]
        assert read and all("COUNT(" in sql for sql in read), table
    assert dict(page.context["model_count"])["snapshots"] == 30
    assert not re.search(r"/admin/markets/snapshot/\d+/change/", page.content.decode())
    assert "Snapshots: 30" in page.content.decode()


def test_the_token_delete_page_still_deletes_the_whole_history(admin_client, tao):
    _history(tao, 30)
    url = reverse("admin:markets_token_delete", args=[tao.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 302

    assert not Token.objects.filter(pk=tao.pk).exists()
    assert not Snapshot.objects.filter(token_id=tao.pk).exists()


def test_deleting_tokens_with_the_action_counts_every_tokens_history(admin_client, tao, btc):
    _history(tao, 30)
    _history(btc, 12)
    changelist = reverse("admin:markets_token_changelist")
    data = {"action": "delete_selected", "_selected_action": [tao.pk, btc.pk]}

    page = admin_client.post(changelist, data)

    assert page.status_code == 200
    assert dict(page.context["model_count"])["snapshots"] == 42
    admin_client.post(changelist, {**data, "post": "yes"})
    assert not Token.objects.exists() and not Snapshot.objects.exists()
