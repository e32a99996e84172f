"""DemoProvider: an offline, deterministic random walk continuing the stored demo prices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
import time_machine

from markets.models import RefreshRun, Snapshot, SnapshotCompact, TokenMetrics
from markets.providers.base import Quote, TokenRef
from markets.providers.demo import DemoProvider
from markets.services.demo import demo_seed
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from markets.services.refresh import prices_refresh, token_backfill
from tests.factories import TokenFactory

pytestmark = pytest.mark.django_db

HOUR = 3600
LAST = datetime(2026, 2, 6, 11, 0, tzinfo=UTC)  # the last stored quote
CAP, VOLUME = 1_574_400_000.0, 330_000_000.0


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def ref(token) -> TokenRef:
    return TokenRef(token.pk, token.symbol, token.coingecko_id)


@pytest.fixture
def tao_quoted(tao):
    """TAO with two stored quotes, the last one 164 $ at 11:00 UTC, and its metrics."""
    last = int(LAST.timestamp())
    snapshot_ingest(
        quotes=[
            Quote(tao.pk, last - HOUR, 160.0, 1_536_000_000.0, VOLUME),
            Quote(tao.pk, last, 164.0, CAP, VOLUME),
        ],
        source="demo",
    )
    metrics_recompute(token_ids=[tao.pk])
    return tao


def test_it_continues_one_demo_hour_after_the_last_price_with_a_small_step(tao_quoted):
    with time_machine.travel("2026-11-30T09:17:42Z", tick=False):  # months later
        result = DemoProvider().fetch_latest([ref(tao_quoted)])

    assert result.errors == []
    assert result.rejected == 0
    [quote] = result.quotes
    assert quote.token_id == tao_quoted.pk
    assert quote.ts == epoch("2026-02-06T12:00:00Z")  # the demo hour after 11:00
    assert 164 * 0.9 < quote.price_usd < 164 * 1.1
    assert quote.price_usd != 164.0
    # The cap moves with the price; the volume is carried over.
    assert quote.market_cap_usd == pytest.approx(CAP * quote.price_usd / 164)
    assert quote.volume_24h_usd == VOLUME


def test_a_quote_depends_on_the_demo_hour_not_on_the_wall_clock(tao_quoted):
    with time_machine.travel("2026-02-06T12:00:05Z", tick=False):
        first = DemoProvider().fetch_latest([ref(tao_quoted)])
    with time_machine.travel("2027-06-01T08:30:00Z", tick=False):
        second = DemoProvider().fetch_latest([ref(tao_quoted)])

    assert len(first.quotes) == 1
    assert first.quotes == second.quotes


def test_a_second_refresh_right_after_the_first_stores_nothing(tao_quoted, btc):
    snapshot_ingest(quotes=[Quote(btc.pk, int(LAST.timestamp()), 63_450.0)], source="demo")
    metrics_recompute(token_ids=[btc.pk])

    with time_machine.travel("2026-11-30T12:00:10Z", tick=False):
        first = prices_refresh(provider=DemoProvider())
        stored = list(Snapshot.objects.order_by("pk").values_list("ts", "price_usd"))
        second = prices_refresh(provider=DemoProvider())

    assert (first.status, first.quotes_stored) == (RefreshRun.Status.OK, 2)
    assert (second.status, second.quotes_stored) == (RefreshRun.Status.OK, 0)
    assert list(Snapshot.objects.order_by("pk").values_list("ts", "price_usd")) == stored
    next_hour = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)
    assert TokenMetrics.objects.get(token=tao_quoted).as_of == next_hour


def test_a_token_behind_the_clock_catches_up_before_the_clock_moves_on(tao_quoted, btc):
    """Another batch of the same fanned-out refresh already moved BTC to 12:00."""
    noon = epoch("2026-02-06T12:00:00Z")
    snapshot_ingest(quotes=[Quote(btc.pk, noon, 63_450.0)], source="demo")

    with time_machine.travel("2026-11-30T12:00:10Z", tick=False):
        result = DemoProvider().fetch_latest([ref(tao_quoted), ref(btc)])

    assert [(q.token_id, q.ts) for q in result.quotes] == [(tao_quoted.pk, noon)]


def test_equities_are_left_to_their_own_daily_closes(tao_quoted):
    msft = TokenFactory(symbol="MSFT", name="Microsoft", asset_class="equity")
    snapshot_ingest(quotes=[Quote(msft.pk, int(LAST.timestamp()) - 9 * HOUR, 400.0)], source="demo")

    result = DemoProvider().fetch_latest([ref(msft), ref(tao_quoted)])

    assert result.errors == []
    assert [q.token_id for q in result.quotes] == [tao_quoted.pk]


def test_it_reports_tokens_without_metrics_as_errors_without_crashing(tao_quoted):
    near = TokenFactory(symbol="NEAR", name="NEAR Protocol")

    with time_machine.travel("2026-02-06T12:00:00Z", tick=False):
        result = DemoProvider().fetch_latest([ref(near), ref(tao_quoted)])
        run = prices_refresh(provider=DemoProvider())

    assert result.errors == ["NEAR: no demo history to continue"]
    assert [q.token_id for q in result.quotes] == [tao_quoted.pk]
    assert run.status == RefreshRun.Status.PARTIAL
    assert run.quotes_stored == 1
    assert "NEAR: no demo history to continue" in run.error
    assert not Snapshot.objects.filter(token=near).exists()


@pytest.fixture
def tao_imported(tao):
    """TAO whose only quotes come from an import, the last one 164 $ at 11:00 UTC."""
    last = int(LAST.timestamp())
    snapshot_ingest(
        quotes=[Quote(tao.pk, last - HOUR, 160.0), Quote(tao.pk, last, 164.0, CAP, VOLUME)],
        source="csv",
    )
    metrics_recompute(token_ids=[tao.pk])
    return tao


def test_fetch_history_returns_hourly_quotes_ending_at_the_last_known_price(tao_imported):
    end = epoch("2026-02-06T12:30:00Z")
    start = end - 2 * 86_400

    result = DemoProvider().fetch_history(ref(tao_imported), start=start, end=end)

    assert result.errors == []
    assert result.rejected == 0
    quotes = sorted(result.quotes, key=lambda q: q.ts)
    stamps = [q.ts for q in quotes]
    assert len(stamps) == 48
    assert start <= stamps[0] < start + HOUR
    assert stamps[-1] == epoch("2026-02-06T12:00:00Z")
    assert {b - a for a, b in pairwise(stamps)} == {HOUR}
    assert quotes[-1].price_usd == pytest.approx(164.0)
    assert all(q.price_usd > 0 and q.token_id == tao_imported.pk for q in quotes)
    assert len({q.price_usd for q in quotes}) > 40  # a walk, not a flat line
    again = DemoProvider().fetch_history(ref(tao_imported), start=start, end=end)
    assert again.quotes == result.quotes


def test_fetch_history_only_walks_back_from_the_oldest_demo_quote(tao_quoted):
    end = epoch("2026-02-06T12:30:00Z")  # the demo quotes are at 10:00 (160 $) and 11:00

    result = DemoProvider().fetch_history(ref(tao_quoted), start=end - 86_400, end=end)

    quotes = sorted(result.quotes, key=lambda q: q.ts)
    assert (quotes[0].ts, quotes[-1].ts) == (end - 86_400 + HOUR // 2, epoch("2026-02-06T09:00Z"))
    assert len(quotes) == 21  # 13:00 the day before to 09:00
    assert 160 * 0.9 < quotes[-1].price_usd < 160 * 1.1  # one step from the stored 160 $
    assert quotes[-1].price_usd != 160.0


def test_fetch_history_walks_back_from_the_oldest_compacted_hour(tao_quoted):
    folded = datetime(2026, 2, 1, 5, tzinfo=UTC)  # retention folded the hours before 10:00
    SnapshotCompact.objects.create(
        token=tao_quoted, interval="1h", bucket=folded, open_usd=150.0, open_at=folded,
        high_usd=150.0, high_at=folded, low_usd=150.0, close_usd=150.0, close_at=folded,
        count=1,
    )  # fmt: skip
    end = epoch("2026-02-06T12:00:00Z")

    result = DemoProvider().fetch_history(ref(tao_quoted), start=end - 7 * 86_400, end=end)

    newest = max(result.quotes, key=lambda q: q.ts)
    assert newest.ts == int(folded.timestamp()) - HOUR
    assert 150 * 0.9 < newest.price_usd < 150 * 1.1


def test_fetch_history_returns_nothing_when_demo_quotes_cover_the_range(tao_quoted):
    start = epoch("2026-02-06T10:00:00Z")

    result = DemoProvider().fetch_history(ref(tao_quoted), start=start, end=start + 2 * HOUR)

    assert (result.quotes, result.errors) == ([], [])


def test_a_backfill_leaves_a_tracked_tokens_demo_history_as_it_was(settings):
    settings.PRICE_PROVIDER = "demo"
    with time_machine.travel("2026-11-30T09:00:00Z", tick=False):
        demo_seed()
    tao = Snapshot.objects.filter(token__symbol="TAO", source="demo")
    history = list(tao.order_by("ts").values_list("ts", "price_usd", "market_cap_usd"))

    with time_machine.travel("2026-11-30T10:00:00Z", tick=False):
        within = token_backfill(symbol="TAO", days=90, provider=DemoProvider())
        beyond = token_backfill(symbol="TAO", days=160, provider=DemoProvider())

    assert (within.status, within.quotes_stored) == (RefreshRun.Status.OK, 0)
    assert (beyond.status, beyond.quotes_stored) == (RefreshRun.Status.OK, 10 * 24)
    after = list(tao.order_by("ts").values_list("ts", "price_usd", "market_cap_usd"))
    assert after[10 * 24 :] == history  # the reconstruction, hour for hour
    assert after[10 * 24 - 1][0] == history[0][0] - timedelta(hours=1)  # only hours before it


def test_an_import_dated_far_ahead_does_not_stall_a_tokens_walk(tao_quoted, btc):
    snapshot_ingest(quotes=[Quote(btc.pk, int(LAST.timestamp()), 63_450.0)], source="demo")
    snapshot_ingest(quotes=[Quote(tao_quoted.pk, epoch("2099-01-01T00:00Z"), 999.0)], source="csv")
    metrics_recompute(token_ids=[tao_quoted.pk, btc.pk])

    for n in range(3):
        with time_machine.travel(datetime(2026, 11, 30, 9 + n, tzinfo=UTC), tick=False):
            run = prices_refresh(provider=DemoProvider())
        assert run.quotes_stored == 2

    demo = Snapshot.objects.filter(source="demo", ts__gt=LAST)
    tao_walk = list(demo.filter(token=tao_quoted).order_by("ts").values_list("ts", "price_usd"))
    assert [ts for ts, _ in tao_walk] == [LAST + timedelta(hours=n) for n in (1, 2, 3)]
    assert 164 * 0.9 < tao_walk[0][1] < 164 * 1.1  # from its demo price, not the import's


def test_fetch_history_ends_at_one_dollar_for_a_token_without_metrics(tao):
    end = epoch("2026-02-06T12:00:00Z")

    result = DemoProvider().fetch_history(ref(tao), start=end - 86_400, end=end)

    quotes = sorted(result.quotes, key=lambda q: q.ts)
    assert len(quotes) == 25  # both ends fall on the hour
    assert (quotes[0].ts, quotes[-1].ts) == (end - 86_400, end)
    assert quotes[-1].price_usd == 1.0
