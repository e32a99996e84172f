"""Evaluation starts after every metrics change (markets' signal), and by hand."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from alerts.services import alert_create
from alerts.tasks import evaluate_alerts
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_committed_metrics_queue_one_evaluation_task(
    btc, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(evaluate_alerts, "delay", lambda *a, **k: queued.append(a))
    snapshot_ingest(quotes=[Quote(btc.pk, 1_770_379_200, 60_000.0)], source="stub")
    with django_capture_on_commit_callbacks(execute=True):
        metrics_recompute(token_ids=[btc.pk])
    assert queued == [()]


def test_the_task_evaluates_the_rules(market, btc, alice):
    market.tick({btc: 58_000})
    alert_create(owner=alice, condition="less_than", value=60_000, symbol="BTC", target="token")
    market.tick({btc: 57_000}, evaluate=False)
    assert evaluate_alerts.apply().get() == {"rules": 1, "fired": 1, "duplicates": 0}
    assert Notification.objects.filter(user=alice).count() == 1


def test_the_evaluate_alerts_command(market, btc, alice, capsys):
    market.tick({btc: 58_000})
    alert_create(owner=alice, condition="less_than", value=60_000, symbol="BTC", target="token")
    market.tick({btc: 57_000}, evaluate=False)
    call_command("evaluate_alerts")
    assert "1 rules evaluated, 1 fired, 0 already recorded" in capsys.readouterr().out
