"""The replay's proof: metrics at a past hour equal those recomputed by metrics_recompute on a
database holding only the history up to that hour, for random hours."""

import io
import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from markets.metrics_math import DAY, HOUR
from markets.models import (
    ListMetrics,
    PriceDayCloses,
    PriceHourly,
    Snapshot,
    TokenList,
    TokenMetrics,
)
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.metrics import LIST_FIELDS, metrics_recompute
from markets.services.metrics_store import TOKEN_FIELDS
from markets.services.replay import metrics_at
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory

END = 1_770_379_200  # 2026-02-06T12:00:00Z
SPAN_HOURS = 110 * 24  # more than the 90 days the longest window reads


def _walk(rng, n: int, start: float) -> np.ndarray:
    return start * np.exp(np.cumsum(rng.normal(0, 0.012, n)))


@pytest.fixture
def history(db):
    """BTC, TAO and NEAR hourly over 110 days (with gaps), an equity on weekday closes only,
    TAO with a provider ATH from before the stored history; lists "ai" and "benchmarks"."""
    rng = np.random.default_rng(11)
    btc = TokenFactory(symbol="BTC", name="Bitcoin", is_benchmark=True)
    tao = TokenFactory(
        symbol="TAO",
        provider_ath_usd=760.0,
        provider_ath_at=datetime(2024, 4, 11, tzinfo=UTC),
    )
    near = TokenFactory(symbol="NEAR")
    nvda = TokenFactory(symbol="NVDA")
    ai = TokenListFactory(slug="ai", name="AI")
    bench = TokenListFactory(slug="benchmarks", name="Benchmarks")
    for position, token in enumerate([tao, near, nvda]):
        MembershipFactory(token_list=ai, token=token, position=position)
    MembershipFactory(token_list=bench, token=btc, position=0)
    hours = END - np.arange(SPAN_HOURS, -1, -1, dtype=np.int64) * HOUR
    ids, times, prices, caps = [], [], [], []
    for token, start, keep in (
        (btc, 90_000.0, np.ones(len(hours), bool)),
        (tao, 300.0, rng.random(len(hours)) > 0.05),  # a few missing hours
        (near, 3.0, hours >= END - 60 * DAY),  # listed later: a shorter history
    ):
        ids.append(np.full(keep.sum(), token.pk, np.int64))
        times.append(hours[keep])
        walk = _walk(rng, len(hours), start)[keep]
        prices.append(walk)
        caps.append(walk * 1e7)
    days = (hours[hours % DAY == 21 * HOUR]).astype(np.int64)
    weekdays = days[((days // DAY) + 3) % 7 < 5]  # 1970-01-01 was a Thursday
    ids.append(np.full(len(weekdays), nvda.pk, np.int64))
    times.append(weekdays)
    prices.append(_walk(rng, len(weekdays), 180.0))
    caps.append(np.full(len(weekdays), np.nan))  # no cap known: null cap, null turnover
    price = np.concatenate(prices)
    snapshot_ingest(
        quotes=QuoteColumns(
            token_id=np.concatenate(ids),
            ts=np.concatenate(times),
            price_usd=price,
            market_cap_usd=np.concatenate(caps),
            volume_24h_usd=price * 1e5,
        ),
        source="test",
    )
    metrics_recompute()


def _close(replayed, recomputed, names: list[str]) -> None:
    for name in names:
        if name == "computed_at":
            continue
        mine, theirs = getattr(replayed, name), getattr(recomputed, name)
        if name == "cap_series":
            assert len(mine) == len(theirs)
            assert np.allclose(np.array(mine), np.array(theirs), rtol=1e-12, equal_nan=True)
        elif isinstance(theirs, float):
            assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-12), name
        else:
            assert mine == theirs, name


def _recomputed_with_history_until(at: datetime) -> tuple[dict, dict]:
    """Rows metrics_recompute writes once everything after ``at`` is gone (rolled back)."""
    with transaction.atomic():
        Snapshot.objects.filter(ts__gt=at).delete()
        PriceHourly.objects.filter(hour__gt=at).delete()
        PriceDayCloses.objects.filter(day__gt=at.date()).delete()
        metrics_recompute()
        tokens = {m.token_id: m for m in TokenMetrics.objects.all()}
        lists = {m.token_list_id: m for m in ListMetrics.objects.all()}
        transaction.set_rollback(True)
    return tokens, lists


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hours_back=st.integers(min_value=-5, max_value=SPAN_HOURS + 48))
def test_metrics_at_an_hour_equal_those_recomputed_on_the_history_up_to_it(history, hours_back):
    at = datetime.fromtimestamp(END, UTC) - timedelta(hours=hours_back)
    token_ids = list(TokenMetrics.objects.values_list("token_id", flat=True))
    list_ids = list(TokenList.objects.values_list("pk", flat=True))

    replay = metrics_at(at=at, token_ids=token_ids, list_ids=list_ids)
    tokens, lists = _recomputed_with_history_until(at)

    assert replay.tokens.keys() == tokens.keys()
    for token_id, recomputed in tokens.items():
        _close(replay.tokens[token_id], recomputed, TOKEN_FIELDS)
    assert replay.lists.keys() == lists.keys()
    for list_id, recomputed in lists.items():
        _close(replay.lists[list_id], recomputed, LIST_FIELDS)


def test_the_replay_cuts_at_the_hour_and_ignores_later_prices(history):
    at = datetime.fromtimestamp(END - 30 * DAY, UTC)
    tao = TokenMetrics.objects.get(token__symbol="TAO")
    replay = metrics_at(at=at, token_ids=[tao.token_id])

    replayed = replay.tokens[tao.token_id]
    assert replayed.as_of <= at
    stored = Snapshot.objects.filter(token_id=tao.token_id, ts__lte=at).order_by("-ts").first()
    assert (replayed.as_of, replayed.price_usd) == (stored.ts, stored.price_usd)
    assert replayed.change_7d is not None and replayed.beta_btc_30d is not None
    assert replayed._state.adding  # never saved
    assert TokenMetrics.objects.get(token_id=tao.token_id).as_of > at  # the live row is intact


def test_the_metrics_command_prints_the_replayed_metrics_with_at(history):
    out = io.StringIO()
    call_command("metrics", "TAO", "--list", "ai", "--at", "2026-01-20T09:45+00:00", stdout=out)

    report = json.loads(out.getvalue())
    at = datetime(2026, 1, 20, 9, tzinfo=UTC)
    tao = TokenMetrics.objects.get(token__symbol="TAO").token_id
    replayed = metrics_at(at=at, token_ids=[tao]).tokens[tao]
    assert report["tokens"]["TAO"]["as_of"] == "2026-01-20T09:00:00Z"
    assert report["tokens"]["TAO"]["change_7d"] == replayed.change_7d
    assert report["lists"]["ai"]["as_of"] == "2026-01-20T09:00:00Z"


def test_the_metrics_command_refuses_a_naive_at(history):
    with pytest.raises(CommandError, match="--at: Give a time zone"):
        call_command("metrics", "TAO", "--at", "2026-01-20T09:00")
