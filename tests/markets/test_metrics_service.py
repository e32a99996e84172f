"""metrics_recompute against the database: what it reads, writes, and how many queries."""

from datetime import UTC, datetime

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.metrics_math import DAY, HOUR
from markets.models import ListMetrics, Snapshot, TokenMetrics
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import _series_split, derived_refresh, metrics_recompute
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory

T = 1_770_379_200  # 2026-02-06T12:00:00Z


def store(token, points, source="test"):
    """points: [(seconds before T, price, cap)]"""
    snapshot_ingest(
        quotes=[Quote(token.id, T - ago, price, cap, 1e6) for ago, price, cap in points],
        source=source,
    )


def test_it_materialises_the_metrics_of_a_token(tao):
    store(tao, [(7 * DAY, 200, 2e9), (DAY, 180, 1.8e9), (HOUR, 170, 1.7e9), (0, 164, 1.64e9)])
    assert metrics_recompute(token_ids=[tao.id]) == 1
    m = TokenMetrics.objects.get(token=tao)
    assert m.as_of == datetime.fromtimestamp(T, UTC)
    assert m.price_usd == 164
    assert m.change_24h == pytest.approx(164 / 180 - 1)
    assert m.change_7d == pytest.approx(164 / 200 - 1)
    assert (m.ath_usd, m.ath_at.timestamp()) == (200, T - 7 * DAY)
    assert m.turnover == pytest.approx(1e6 / 1.64e9)


def test_the_ath_comes_from_the_full_history_not_only_the_last_90_days(tao):
    store(tao, [(200 * DAY, 900, None), (100 * DAY, 500, None), (0, 100, None)])
    metrics_recompute(token_ids=[tao.id])
    m = TokenMetrics.objects.get(token=tao)
    assert (m.ath_usd, m.ath_at.timestamp()) == (900, T - 200 * DAY)
    assert m.drawdown_from_ath == pytest.approx(100 / 900 - 1)
    assert m.high_30d_usd == 100  # the windows still see only recent points
    assert m.max_drawdown_90d == 0


def test_recomputing_twice_gives_the_same_row(tao):
    store(tao, [(DAY, 10, None), (0, 11, None)])
    metrics_recompute(token_ids=[tao.id])
    first = TokenMetrics.objects.values().get(token=tao)
    metrics_recompute(token_ids=[tao.id])
    second = TokenMetrics.objects.values().get(token=tao)
    assert {k: v for k, v in first.items() if k != "computed_at"} == {
        k: v for k, v in second.items() if k != "computed_at"
    }


def test_a_token_with_one_snapshot_gets_nulls_not_errors(tao):
    store(tao, [(0, 5, None)])
    metrics_recompute(token_ids=[tao.id])
    m = TokenMetrics.objects.get(token=tao)
    assert (m.change_1h, m.change_24h, m.change_7d, m.change_30d) == (None, None, None, None)
    assert (m.drawdown_from_ath, m.max_drawdown_30d, m.turnover) == (0, 0, None)
    assert (m.beta_btc_30d, m.corr_btc_30d) == (None, None)


def test_gaps_give_nulls_where_the_reference_is_too_old(tao):
    store(tao, [(20 * DAY, 10, None), (3 * DAY, 12, None), (0, 9, None)])
    metrics_recompute(token_ids=[tao.id])
    m = TokenMetrics.objects.get(token=tao)
    assert m.change_24h is None  # latest at or before T-24h is 3 days old (> 48 h)
    assert m.change_7d is None  # latest at or before T-7d is 20 days old (> 14 d)
    assert m.change_30d is None  # nothing at or before T-30d
    assert m.low_30d_usd == 9 and m.high_30d_usd == 12


def test_the_7d_change_needs_a_reference_within_14_days(tao):
    store(tao, [(15 * DAY, 10, None), (0, 9, None)])
    metrics_recompute(token_ids=[tao.id])
    assert TokenMetrics.objects.get(token=tao).change_7d is None
    store(tao, [(13 * DAY, 10, None)])
    metrics_recompute(token_ids=[tao.id])
    assert TokenMetrics.objects.get(token=tao).change_7d == pytest.approx(-0.1)


def test_beta_needs_btc_history_that_overlaps(tao, btc):
    days = range(30, -1, -1)
    store(btc, [(d * DAY, 100 + (d % 3), None) for d in days])
    store(tao, [(d * DAY + 200 * DAY, 10 + (d % 3), None) for d in days])  # 200 days earlier
    metrics_recompute(token_ids=[tao.id, btc.id])
    assert TokenMetrics.objects.get(token=tao).beta_btc_30d is None
    assert TokenMetrics.objects.get(token=btc).beta_btc_30d == pytest.approx(1.0)


def test_a_token_without_snapshots_loses_its_metrics(tao):
    store(tao, [(0, 5, None)])
    metrics_recompute(token_ids=[tao.id])
    Snapshot.objects.all().delete()
    assert metrics_recompute(token_ids=[tao.id]) == 0
    assert not TokenMetrics.objects.exists()


def test_by_default_it_recomputes_every_active_token(tao, btc):
    store(tao, [(0, 5, None)])
    store(btc, [(0, 50_000, None)])
    btc.is_active = False
    btc.save(update_fields=["is_active"])
    metrics_recompute()
    assert list(TokenMetrics.objects.values_list("token__symbol", flat=True)) == ["TAO"]


def test_list_metrics_follow_their_members(tao):
    near = TokenFactory(symbol="NEAR")
    ai = TokenListFactory(slug="ai")
    MembershipFactory(token_list=ai, token=tao)
    MembershipFactory(token_list=ai, token=near)
    store(tao, [(DAY, 200, 2000.0), (0, 100, 1000.0)])
    store(near, [(DAY, 10, 500.0), (0, 12, 600.0)])
    metrics_recompute(token_ids=[tao.id])  # NEAR is recomputed as a member of the same list
    lm = ListMetrics.objects.get(token_list=ai)
    assert lm.total_market_cap_usd == 1600
    assert lm.cap_change_24h == pytest.approx(1600 / 2500 - 1)
    assert lm.equal_weight_change_24h == pytest.approx(((100 / 200 - 1) + (12 / 10 - 1)) / 2)
    assert (lm.members_count, lm.members_down_20_from_ath) == (2, 1)
    assert lm.as_of.timestamp() == T
    assert lm.cap_series[-1] == [T, 1600.0]
    assert lm.cap_series[0] == [T - DAY, 2500.0]  # the series starts with the first data
    assert len(lm.cap_series) == 25  # hourly, TAO's and NEAR's caps carried between points


def test_the_query_count_does_not_grow_with_the_number_of_tokens(db):
    def run(n):
        Snapshot.objects.all().delete()
        token_list = TokenListFactory()
        tokens = [TokenFactory() for _ in range(n)]
        for token in tokens:
            MembershipFactory(token_list=token_list, token=token)
        snapshot_ingest(
            quotes=[Quote(t.id, T - h * HOUR, 10.0 + h, 1e6, 1e5) for t in tokens
                    for h in range(48)],
            source="test",
        )  # fmt: skip
        with CaptureQueriesContext(connection) as ctx:
            assert metrics_recompute(token_ids=[t.id for t in tokens]) == n
        return len(ctx.captured_queries)

    # 30 tokens keep SQLite's bulk inserts in one batch (its bound-parameter limit).
    assert run(5) == run(30)


def test_an_inactive_member_no_longer_counts_in_its_list(tao):
    near = TokenFactory(symbol="NEAR")
    ai = TokenListFactory(slug="ai")
    MembershipFactory(token_list=ai, token=tao)
    MembershipFactory(token_list=ai, token=near)
    store(tao, [(0, 100, 1000.0)])
    store(near, [(0, 12, 600.0)])
    metrics_recompute(token_ids=[tao.id])
    assert ListMetrics.objects.get(token_list=ai).total_market_cap_usd == 1600
    near.is_active = False
    near.save(update_fields=["is_active"])
    metrics_recompute(token_ids=[near.id])
    lm = ListMetrics.objects.get(token_list=ai)
    assert (lm.total_market_cap_usd, lm.members_count) == (1000, 1)


def test_history_in_any_row_order_splits_into_the_same_time_ordered_series():
    rng = np.random.default_rng(7)
    tokens = np.repeat(np.array([3, 5, 9], np.int64), 50)
    times = np.concatenate([rng.choice(10**6, 50, replace=False) for _ in range(3)])
    cols = {"token_id": tokens, "t": times, "p": rng.random(150), "cap": rng.random(150),
            "vol": rng.random(150)}  # fmt: skip
    order = np.lexsort((times, tokens))
    in_order = _series_split({name: column[order] for name, column in cols.items()})
    shuffled = rng.permutation(150)
    mixed = _series_split({name: column[shuffled] for name, column in cols.items()})

    assert list(in_order) == list(mixed) == [3, 5, 9]
    for token_id, series in in_order.items():
        assert np.all(np.diff(series.t) > 0)
        assert np.array_equal(series.t, mixed[token_id].t)
        assert np.array_equal(series.p, mixed[token_id].p)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the packed read is PostgreSQL's")
def test_windows_read_in_several_chunks_equal_the_windows_read_at_once(db, monkeypatch):
    from markets.services import metrics

    t0 = 1_770_000_000

    tokens = TokenFactory.create_batch(7)
    for n, token in enumerate(tokens):
        Snapshot.objects.bulk_create(
            Snapshot(token=token, ts=datetime.fromtimestamp(t0 + h * HOUR, UTC), source="t",
                     price_usd=1 + n + h / 100, market_cap_usd=None if h % 3 else 1e6 * h,
                     volume_24h_usd=1e3)
            for h in range(5 + n)
        )  # fmt: skip
    ids = [t.pk for t in tokens]
    at_once = metrics._load_columns(ids)
    monkeypatch.setattr(metrics, "_PACKED_FETCH", 2)

    chunked = metrics._load_columns(ids)

    assert len(at_once["t"]) == sum(5 + n for n in range(7))
    for name, column in at_once.items():
        assert np.array_equal(column, chunked[name], equal_nan=True), name


def test_a_list_whose_last_active_member_is_deactivated_is_reset_not_left_stale(tao):
    solo = TokenListFactory(slug="solo")
    MembershipFactory(token_list=solo, token=tao)
    store(tao, [(0, 164, 1.64e9)])
    metrics_recompute(token_ids=[tao.id])
    tao.is_active = False
    tao.save()
    metrics_recompute(token_ids=[tao.id])
    metrics = ListMetrics.objects.get(token_list=solo)
    assert (metrics.members_count, metrics.total_market_cap_usd, metrics.as_of) == (0, None, None)


def test_a_list_named_by_id_is_recomputed_even_with_no_member_left(tao):
    solo = TokenListFactory(slug="solo")
    member = MembershipFactory(token_list=solo, token=tao)
    store(tao, [(0, 164, 1.64e9)])
    metrics_recompute(token_ids=[tao.id])
    member.delete()
    metrics_recompute(token_ids=[], list_ids=[solo.pk, 999_999])  # a gone list is skipped
    metrics = ListMetrics.objects.get(token_list=solo)
    assert (metrics.members_count, metrics.total_market_cap_usd) == (0, None)
    assert metrics.cap_series == []


def test_new_btc_quotes_alone_update_every_tokens_beta(tao, btc):
    """A BTC backfill or import stores only BTC, yet every beta reads BTC's closes."""
    days = range(20, -1, -1)
    store(tao, [(d * DAY, 100 * (1 + 0.03 * ((d * 7) % 5 - 2)), None) for d in days])
    store(btc, [(d * DAY, 60000 * (1 + 0.02 * ((d * 3) % 4 - 1.5)), None) for d in days])
    metrics_recompute()
    before = TokenMetrics.objects.get(token=tao).beta_btc_30d

    corrected = snapshot_ingest(
        quotes=[Quote(btc.id, T - d * DAY, 60000 + 500 * d, None, 1e6) for d in days],
        source="zz-corrected",
    )
    derived_refresh(ingested=corrected)

    assert corrected.token_ids == {btc.id}
    after = TokenMetrics.objects.get(token=tao).beta_btc_30d
    assert after != pytest.approx(before)
    metrics_recompute()
    assert TokenMetrics.objects.get(token=tao).beta_btc_30d == after
