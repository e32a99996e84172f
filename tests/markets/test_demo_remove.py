"""Removing the demo data: demo snapshots and everything derived from them go in one
transaction, other sources' prices stay (with metrics recomputed), tokens and lists stay."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.demo_episode import EPISODE_END
from markets.models import (
    FearGreedDaily,
    ListMetrics,
    PriceDayCloses,
    PriceHourly,
    RefreshRun,
    Snapshot,
    SnapshotCompact,
    Token,
    TokenList,
    TokenListMembership,
    TokenMetrics,
)
from markets.providers.base import Quote
from markets.services.demo import demo_seed
from markets.services.demo_removal import NoDemoData, demo_remove
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.locks import MARKET_DATA_LOCK, LeaseBusy, lock_acquire
from markets.services.metrics import derived_refresh, metrics_recompute
from markets.services.retention import snapshots_compact
from markets.signals import demo_removed
from tests.factories import TokenFactory

pytestmark = pytest.mark.django_db

LIVE = datetime(2026, 11, 30, 9, tzinfo=UTC)


@pytest.fixture
def seeded():
    demo_seed()
    return {t.symbol: t for t in Token.objects.all()}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Snapshot, PriceHourly, PriceDayCloses, SnapshotCompact, TokenMetrics, ListMetrics)
    return {model.__name__: model.objects.count() for model in models}


def test_it_removes_the_demo_snapshots_and_everything_derived_but_keeps_tokens_and_lists(
    seeded,
):
    snapshots_compact(now=EPISODE_END)  # folds the episode's oldest 50 days
    assert SnapshotCompact.objects.exists()
    memberships = TokenListMembership.objects.count()
    raw = Snapshot.objects.count()
    assert FearGreedDaily.objects.filter(source="demo").exists()

    removal = demo_remove()

    assert counts() == dict.fromkeys(counts(), 0)
    assert not RefreshRun.objects.filter(provider="demo").exists()
    assert not FearGreedDaily.objects.exists()
    assert Token.objects.count() == len(seeded)  # the crypto tokens and the AI equities
    slugs = set(TokenList.objects.values_list("slug", flat=True))
    assert slugs == {"ai", "ai-equities", "benchmarks"}
    assert TokenListMembership.objects.count() == memberships
    assert len(removal.token_ids) == len(seeded)
    assert removal.kept == []
    assert removal.snapshots == raw


def test_a_token_keeps_its_other_prices_and_gets_metrics_from_them(seeded):
    tao, btc = seeded["TAO"], seeded["BTC"]
    overlap = int(EPISODE_END.timestamp())  # an hour both the demo and a CSV import priced
    live = int(LIVE.timestamp())
    imported = snapshot_ingest(
        quotes=[Quote(tao.pk, overlap, 170.0), *(Quote(tao.pk, live - h * 3600, 300.0 + h)
                                                for h in range(3))],
        source="csv",
    )  # fmt: skip
    derived_refresh(ingested=imported)  # as an import does

    removal = demo_remove()

    assert removal.kept == [tao.pk]
    assert sorted(Snapshot.objects.values_list("token_id", "price_usd")) == [
        (tao.pk, 170.0), (tao.pk, 300.0), (tao.pk, 301.0), (tao.pk, 302.0),
    ]  # fmt: skip
    # The overlapping hour's close comes back from the CSV price; no demo close is left.
    closes = dict(PriceHourly.objects.values_list("hour", "close_usd"))
    assert closes == {EPISODE_END: 170.0, LIVE - 2 * timedelta(hours=1): 302.0,
                      LIVE - timedelta(hours=1): 301.0, LIVE: 300.0}  # fmt: skip
    assert set(PriceDayCloses.objects.values_list("token_id", "day")) == {
        (tao.pk, EPISODE_END.date()), (tao.pk, LIVE.date()),
    }  # fmt: skip
    metrics = TokenMetrics.objects.get()
    assert (metrics.token_id, metrics.as_of, metrics.price_usd) == (tao.pk, LIVE, 300.0)
    assert metrics.ath_usd == 302.0
    ai = ListMetrics.objects.get()  # benchmarks (BTC, ETH) have no price left: no metrics
    assert (ai.token_list.slug, ai.as_of, ai.members_count) == ("ai", LIVE, 6)
    assert not TokenMetrics.objects.filter(token=btc).exists()


def test_only_demo_prices_go_when_other_tokens_have_other_sources(seeded):
    other = TokenFactory(symbol="XYZ")
    snapshot_ingest(quotes=[Quote(other.pk, int(LIVE.timestamp()), 2.0)], source="coingecko")
    metrics_recompute(token_ids=[other.pk])

    removal = demo_remove()

    assert other.pk not in removal.token_ids
    assert Snapshot.objects.get().token_id == other.pk
    assert TokenMetrics.objects.get().token_id == other.pk


def test_demo_removed_is_sent_with_the_tokens_inside_the_transaction(seeded):
    seen = []

    def receiver(sender, token_ids, **kwargs):
        seen.append((sorted(token_ids), connection.in_atomic_block))

    demo_removed.connect(receiver)
    try:
        demo_remove()
    finally:
        demo_removed.disconnect(receiver)

    assert seen == [(sorted(t.pk for t in seeded.values()), True)]


def test_a_receiver_failing_rolls_everything_back(seeded):
    before = counts()

    def receiver(**kwargs):
        raise RuntimeError("episodes could not clean up")

    demo_removed.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            demo_remove()
    finally:
        demo_removed.disconnect(receiver)

    assert counts() == before


def test_without_demo_data_it_refuses_and_changes_nothing(tao):
    snapshot_ingest(quotes=[Quote(tao.pk, int(LIVE.timestamp()), 2.0)], source="csv")

    with pytest.raises(NoDemoData):
        demo_remove()
    assert Snapshot.objects.count() == 1


def test_it_waits_for_no_refresh_and_says_so(seeded, settings):
    settings.MARKET_DATA_LEASE_WAIT_SECONDS = 0
    assert lock_acquire(name=MARKET_DATA_LOCK, ttl_seconds=60)

    with pytest.raises(LeaseBusy):
        demo_remove()
    with pytest.raises(CommandError, match="try again later"):
        run("demo_remove", "--yes")
    assert Snapshot.objects.filter(source="demo").exists()


def demo_tokens(n: int, prefix: str) -> None:
    """n more tokens with a day of hourly demo prices each (one ingest)."""
    tokens = [TokenFactory(symbol=f"{prefix}{i:03d}") for i in range(n)]
    end = int(EPISODE_END.timestamp())
    ts = np.arange(end - 24 * 3600, end + 1, 3600, dtype=np.int64)
    ids = np.repeat(np.array([t.pk for t in tokens], np.int64), len(ts))
    price = np.full(len(ids), 2.0)
    snapshot_ingest(
        quotes=QuoteColumns(ids, np.tile(ts, n), price, price * 1e6, price * 1e5), source="demo"
    )
    metrics_recompute(token_ids=[t.pk for t in tokens])


def removal_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        demo_remove()
    assert not Snapshot.objects.exists()
    return len(queries)


def test_the_removal_takes_as_many_queries_for_50_tokens_as_for_5(db):
    demo_tokens(5, "A")
    five = removal_queries()
    demo_tokens(50, "B")
    assert removal_queries() == five


# --- the command -------------------------------------------------------------------------------


def test_the_command_prints_what_it_removed(seeded):
    snapshots, tokens = Snapshot.objects.count(), Token.objects.count()  # crypto and equities
    output = run("demo_remove", "--yes")

    assert output.startswith(f"Removed the demo data of {tokens} tokens: ")
    assert f"{snapshots} snapshots" in output
    assert "Tokens and lists stay." in output
    assert not Snapshot.objects.exists()


def test_the_command_asks_first_and_a_no_removes_nothing(seeded, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    before = Snapshot.objects.count()

    output = run("demo_remove")

    assert "Nothing removed" in output
    assert Snapshot.objects.count() == before


def test_the_command_says_politely_when_there_is_nothing_to_remove(db):
    output = run("demo_remove", "--yes")

    assert output == "There are no demo data to remove; nothing changed.\n"


def test_the_token_page_says_no_prices_after_the_removal(client, seeded):
    demo_remove()

    response = client.get("/tokens/TAO/")

    assert response.status_code == 200
    assert "No prices stored yet." in response.content.decode()
