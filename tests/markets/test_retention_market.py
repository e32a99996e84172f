"""Compacting a market of long quarter-hourly histories: metrics unchanged, ATHs exact, charts
reach as far back, a second run changes nothing.

The market (about 150,000 snapshots) and its compaction cost seconds each, and every test here
compacted the same market the same way: both are done once for the module, in a transaction
rolled back after it. Each test runs in a savepoint inside it, so it may still change data.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.db import transaction

from markets.charts import price_chart
from markets.metrics_math import DAY, HOUR
from markets.models import Snapshot, SnapshotCompact, Token, TokenMetrics
from markets.services.metrics import metrics_recompute
from markets.services.retention import CompactResult, snapshots_compact
from tests.factories import TokenFactory
from tests.markets.test_retention import NOW, T, history


def metrics_rows():
    return {
        m["token_id"]: {k: v for k, v in m.items() if k != "computed_at"}
        for m in TokenMetrics.objects.values()
    }


@pytest.fixture(scope="module")
def market(django_db_setup, django_db_blocker):
    """BTC, TAO (an all-time high long ago) and a token that stopped updating; their ids."""
    with django_db_blocker.unblock(), transaction.atomic():
        btc = TokenFactory(symbol="BTC", name="Bitcoin", is_benchmark=True)
        tao = TokenFactory(symbol="TAO")
        stale = TokenFactory(symbol="OLD")
        history(btc, days=900, seed=1)
        history(tao, days=400, seed=2, ath=200)
        history(stale, days=300, end=T - 250 * DAY, seed=3)  # stopped updating 250 days ago
        ids = [btc.id, tao.id, stale.id]
        metrics_recompute(token_ids=ids)
        yield ids
        transaction.set_rollback(True)


@dataclass(frozen=True)
class Compaction:
    """The market before ``snapshots_compact(now=NOW)``, what it returned and logged."""

    raw_before: int
    metrics_before: dict
    tao_chart_before: dict
    result: CompactResult
    log: list[str]


class _Messages(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def _info_messages(name: str):
    """The INFO messages of logger ``name`` (caplog's at_level, for a module fixture)."""
    logger, handler = logging.getLogger(name), _Messages()
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture(scope="module")
def compaction(market, django_db_blocker) -> Compaction:
    with django_db_blocker.unblock():
        raw, before = Snapshot.objects.count(), metrics_rows()
        chart = price_chart(token=Token.objects.get(symbol="TAO"), range_key="all")
        with _info_messages("markets.services.retention") as log:
            result = snapshots_compact(now=NOW)
    return Compaction(raw, before, chart, result, log)


def test_every_metric_is_the_same_after_compaction(market, compaction, db):
    before, result = compaction.metrics_before, compaction.result
    assert result.raw_folded > 0 and result.hourly_folded > 0
    assert Snapshot.objects.count() == compaction.raw_before - result.raw_folded
    metrics_recompute(token_ids=market)
    after = metrics_rows()
    assert after.keys() == before.keys()
    for token_id, values in before.items():
        for name, value in values.items():
            if isinstance(value, float):
                assert after[token_id][name] == pytest.approx(value, rel=1e-12), (token_id, name)
            else:
                assert after[token_id][name] == value, (token_id, name)


def test_raw_snapshots_stay_for_100_days_before_each_tokens_latest(market, compaction, db):
    def raw_span(token_id):
        rows = Snapshot.objects.filter(token_id=token_id)
        return rows.earliest("ts").ts.timestamp(), rows.latest("ts").ts.timestamp()

    oldest_cutoff = None
    for token_id in market[1:]:
        first, last = raw_span(token_id)
        assert 100 * DAY - HOUR <= last - first <= 100 * DAY + HOUR
        oldest_cutoff = min(first, oldest_cutoff or first)
    # BTC keeps raw snapshots back to the stale token's beta window (30 days before its raw).
    btc_id = market[0]
    assert raw_span(btc_id)[0] <= oldest_cutoff - 30 * DAY
    daily = SnapshotCompact.objects.filter(token_id=btc_id, interval="1d")
    assert daily.exists()
    assert daily.latest("bucket").bucket.timestamp() < T - 730 * DAY


def test_a_second_compaction_changes_nothing(compaction, db):
    state = (list(Snapshot.objects.order_by("pk").values()),
             list(SnapshotCompact.objects.order_by("pk").values()))  # fmt: skip
    again = snapshots_compact(now=NOW)
    assert (again.raw_folded, again.hourly_folded) == (0, 0)
    assert state == (list(Snapshot.objects.order_by("pk").values()),
                     list(SnapshotCompact.objects.order_by("pk").values()))  # fmt: skip


def test_the_log_line_says_what_was_folded_in_words(compaction):
    # It printed the result's repr: "compaction: CompactResult(raw_folded=...)".
    result = compaction.result
    assert compaction.log[-1] == (
        f"compaction: {result.raw_folded} raw snapshots folded into {result.hourly_rows} "
        f"hourly rows, {result.hourly_folded} hourly rows folded into {result.daily_rows} "
        "daily rows"
    )


def test_the_ath_stays_exact_when_its_snapshot_is_folded(market, compaction, db):
    tao_id = market[1]
    tao = compaction.metrics_before[tao_id]
    assert tao["ath_at"].timestamp() < T - 300 * DAY  # the spike is far older than raw retention
    assert not Snapshot.objects.filter(token_id=tao_id, ts=tao["ath_at"]).exists()
    metrics_recompute(token_ids=[tao_id])
    again = TokenMetrics.objects.get(token_id=tao_id)
    assert (again.ath_usd, again.ath_at) == (tao["ath_usd"], tao["ath_at"])


def test_the_all_time_chart_still_reaches_back_through_compacted_rows(compaction, db):
    before = compaction.tao_chart_before
    after = price_chart(token=Token.objects.get(symbol="TAO"), range_key="all")
    assert after["end"] == before["end"]
    assert abs(datetime.fromisoformat(after["start"]).timestamp()
               - datetime.fromisoformat(before["start"]).timestamp()) < HOUR  # fmt: skip
    assert after["count"] > 0.9 * before["count"]


def test_the_underwater_curve_still_falls_from_a_peak_inside_a_compacted_hour(
    market, compaction, db
):
    # TAO's all-time high is two quarter-hours that are not the close of their hour.
    before = compaction.tao_chart_before
    after = price_chart(token=Token.objects.get(symbol="TAO"), range_key="all")
    assert after["underwater"][-1] == before["underwater"][-1]
    tao_metrics = TokenMetrics.objects.get(token_id=market[1])
    assert before["underwater"][-1][1] == round(tao_metrics.drawdown_from_ath, 6)
