"""Replaying an hour older than raw retention: compacted closes stand in for the snapshots."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db import transaction

from markets.metrics_math import DAY
from markets.models import Snapshot, SnapshotCompact, TokenList, TokenListMembership, TokenMetrics
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.metrics import metrics_recompute
from markets.services.metrics_store import TOKEN_FIELDS
from markets.services.replay import metrics_at
from markets.services.retention import snapshots_compact
from tests.factories import TokenFactory

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
T = int(NOW.timestamp())


def _history(token, *, days: int, seed: int, step: int = 30 * 60) -> None:
    rng = np.random.default_rng(seed)
    ts = np.arange(T - days * DAY, T + 1, step, dtype=np.int64)
    price = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(ts))))
    cap = np.where(rng.random(len(ts)) < 0.1, np.nan, price * 1e7)
    snapshot_ingest(
        quotes=QuoteColumns(np.full(len(ts), token.id, np.int64), ts, price, cap, cap / 20),
        source="test",
    )


@pytest.fixture(scope="module")
def _compacted_market(django_db_setup, django_db_blocker):
    """Built and compacted once for the module (seconds each time), in a transaction rolled
    back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        btc = TokenFactory(symbol="BTC", name="Bitcoin", is_benchmark=True)
        tao, near = TokenFactory(symbol="TAO"), TokenFactory(symbol="NEAR")
        for seed, token in enumerate((btc, tao, near)):
            _history(token, days=330, seed=seed)
        sector = TokenList.objects.create(slug="ai", name="AI")
        for position, token in enumerate((tao, near)):
            TokenListMembership.objects.create(token_list=sector, token=token, position=position)
        metrics_recompute()
        result = snapshots_compact(now=NOW)
        assert result.raw_folded > 0
        yield [btc.id, tao.id, near.id], [sector.id]
        transaction.set_rollback(True)


@pytest.fixture
def compacted(_compacted_market, db):
    """BTC, TAO and NEAR (the list "ai") with 330 days of half-hourly quotes, compacted;
    each test runs in a savepoint, so it may change them."""
    return _compacted_market


def _recomputed_on_closes_until(at: datetime) -> dict[int, TokenMetrics]:
    """What metrics_recompute writes where each compacted hour's close, cap and volume is a
    snapshot and nothing after ``at`` is stored (rolled back)."""
    with transaction.atomic():
        folded = SnapshotCompact.objects.filter(close_at__lte=at)
        Snapshot.objects.bulk_create(
            Snapshot(token_id=c.token_id, ts=c.close_at, source="folded", price_usd=c.close_usd,
                     market_cap_usd=c.market_cap_usd, volume_24h_usd=c.volume_24h_usd)
            for c in folded
        )  # fmt: skip
        Snapshot.objects.filter(ts__gt=at).delete()
        SnapshotCompact.objects.filter(close_at__gt=at).delete()
        metrics_recompute()
        tokens = {m.token_id: m for m in TokenMetrics.objects.all()}
        transaction.set_rollback(True)
    return tokens


def _assert_replay_matches_closes(token_ids, list_ids, at):
    replay = metrics_at(at=at, token_ids=token_ids, list_ids=list_ids)
    expected = _recomputed_on_closes_until(at)
    assert replay.tokens.keys() == expected.keys() == set(token_ids)
    for token_id, recomputed in expected.items():
        for name in TOKEN_FIELDS:
            mine, theirs = getattr(replay.tokens[token_id], name), getattr(recomputed, name)
            if isinstance(theirs, float):
                assert mine == pytest.approx(theirs, rel=1e-12), (token_id, name)
            elif name != "computed_at":
                assert mine == theirs, (token_id, name)
    return replay


@pytest.mark.parametrize(
    "days_back",
    [250, 140, 60, 5],
    ids=["window-all-compacted", "window-mostly-compacted", "window-straddles-cutoff", "raw"],
)
def test_a_replayed_hour_older_than_retention_uses_the_compacted_closes(compacted, days_back):
    token_ids, list_ids = compacted
    at = NOW - timedelta(days=days_back, hours=7)

    replay = _assert_replay_matches_closes(token_ids, list_ids, at)

    assert replay.lists[list_ids[0]].total_market_cap_usd is not None


def test_a_replay_before_any_stored_history_has_no_figures(compacted):
    token_ids, list_ids = compacted

    replay = metrics_at(at=NOW - timedelta(days=400), token_ids=token_ids, list_ids=list_ids)

    assert replay.tokens == {}


def test_a_replayed_chart_older_than_the_raw_snapshots_ends_at_that_hour(compacted, client):
    at = NOW - timedelta(days=200)
    last = SnapshotCompact.objects.filter(token__symbol="TAO", close_at__lte=at).latest("close_at")

    response = client.get("/tokens/TAO/chart.json", {"range": "7d", "at": at.isoformat()})

    chart = response.json()
    assert response.status_code == 200
    assert chart["count"] == 7 * 24 + 1  # one compacted close an hour, both ends included
    assert chart["price"][-1] == [int(last.close_at.timestamp()), last.close_usd]
    assert chart["end"] == last.close_at.isoformat().replace("+00:00", "Z")


def test_a_chart_at_an_hour_before_any_history_is_empty(compacted, client):
    at = NOW - timedelta(days=400)

    response = client.get("/tokens/TAO/chart.json", {"range": "7d", "at": at.isoformat()})

    assert response.json()["count"] == 0


def test_a_replay_older_than_hourly_retention_uses_the_daily_closes(compacted):
    token_ids, list_ids = compacted
    result = snapshots_compact(now=NOW, hourly_days=150)
    assert result.hourly_folded > 0

    replay = _assert_replay_matches_closes(token_ids, list_ids, NOW - timedelta(days=200))

    assert replay.tokens[token_ids[1]].change_1h is None  # a day apart: no hour-old close


def test_a_token_without_any_raw_snapshot_left_is_replayed_from_its_compacted_rows(compacted):
    token_ids, list_ids = compacted
    Snapshot.objects.filter(token_id=token_ids[2]).delete()  # NEAR: only folded rows left

    _assert_replay_matches_closes(token_ids, list_ids, NOW - timedelta(days=120))
