"""Day summaries: the live metrics read from them give the very figures every snapshot gives,
and any change to a summarised day's snapshots deletes its summary (PostgreSQL only)."""

import numpy as np
import pytest
from django.db import connection

from markets.metrics_math import DAY, HOUR
from markets.models import Snapshot, SnapshotDaySummary
from markets.services.day_summary import BUILD_MAX_DAYS, day_summaries_build
from markets.services.ingest import DIRECT_COPY_MIN_ROWS, QuoteColumns, snapshot_ingest
from markets.services.metrics import metrics_compute
from tests.factories import TokenFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="day summaries are PostgreSQL's"
)
END = 1_771_594_620  # 2026-02-20T13:37:00Z: not on an hour


def history(token_id, *, step, days, end=END, seed=0, gaps=0.0, cap_missing=0.0):
    """A random walk of ``days`` ending at ``end``, one quote every ``step`` seconds (a
    little jitter), some quotes missing, some caps unknown."""
    rng = np.random.default_rng(seed)
    ts = np.arange(end - days * DAY, end + 1, step, dtype=np.int64)
    ts[:-1] += rng.integers(0, step // 2, len(ts) - 1)
    ts = ts[np.r_[rng.random(len(ts) - 1) >= gaps, True]]
    prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, len(ts))))
    caps = prices * 1e7
    caps[rng.random(len(ts)) < cap_missing] = np.nan
    volumes = rng.random(len(ts)) * 1e6
    return QuoteColumns(np.full(len(ts), token_id), ts, prices, caps, volumes)


def figures(tokens, lists=None):
    computed, list_values = metrics_compute(token_ids=tokens, lists=lists or {})
    return computed, list_values


@pytest.fixture
def market(db, btc):
    """BTC hourly, and tokens at 10 minutes, hourly with gaps, sparse, and one that stopped
    40 days before the others, with two sources quoting some of the same instants."""
    tokens = [TokenFactory() for _ in range(4)]
    snapshot_ingest(quotes=history(btc.id, step=HOUR, days=130, seed=1), source="test")
    shapes = [
        {"step": 600, "days": 100, "cap_missing": 0.3},
        {"step": HOUR, "days": 120, "gaps": 0.3},
        {"step": 5 * HOUR, "days": 110, "gaps": 0.5, "cap_missing": 0.5},
        {"step": 1_200, "days": 95, "end": END - 40 * DAY},
    ]
    for n, (token, shape) in enumerate(zip(tokens, shapes, strict=True)):
        quotes = history(token.id, seed=10 + n, **shape)
        snapshot_ingest(quotes=quotes, source="test")
        other = quotes.take(np.arange(len(quotes)) % 7 == 0)
        snapshot_ingest(
            quotes=QuoteColumns(other.token_id, other.ts, other.price_usd * 1.01,
                                other.market_cap_usd, other.volume_24h_usd),
            source="zz-later",
        )  # fmt: skip
    return [btc.id, *(t.id for t in tokens)]


def test_summarised_days_give_the_same_figures_as_every_snapshot(market):
    lists = {1: market[1:], 2: market}
    before = figures(market, lists)
    built = day_summaries_build(token_ids=market, exclude=[market[0]])
    assert built > 300
    assert not SnapshotDaySummary.objects.filter(token_id=market[0]).exists()  # BTC stays raw
    assert figures(market, lists) == before


def test_a_fall_between_two_quotes_inside_an_hour_is_kept(db, btc):
    """The day's deepest fall runs from neither its high nor to its low, and neither end is
    an hour's last quote: only the kept pair gives the 30-day max drawdown."""
    token = TokenFactory()
    ts = np.arange(END - 40 * DAY, END + 1, 600, dtype=np.int64)
    prices = np.linspace(0.1, 0.4, len(ts))  # rising: no fall before that day
    day = (END - 20 * DAY) // DAY * DAY
    prices[(ts > day + 5 * HOUR + 600) & (ts < day + 12 * HOUR)] = 60.0
    prices[(ts > day + 12 * HOUR) & (ts < day + DAY)] = 140.0
    for when, price in {day + 5 * HOUR + 600: 100.0, day + 5 * HOUR + 1_200: 40.0,
                        day + 12 * HOUR: 150.0}.items():  # fmt: skip
        prices[np.searchsorted(ts, when)] = price
    prices[ts >= day + DAY] = 200.0 + np.arange(int((ts >= day + DAY).sum()))
    snapshot_ingest(
        quotes=QuoteColumns(np.full(len(ts), token.id), ts, prices, prices * 1e6, prices),
        source="test",
    )
    before = figures([token.id])
    assert before[0][token.id]["max_drawdown_30d"] == pytest.approx(40 / 100 - 1)
    assert day_summaries_build(token_ids=[token.id]) > 30
    assert figures([token.id]) == before


def test_a_summary_keeps_far_fewer_quotes_than_a_ten_minute_day(market):
    day_summaries_build(token_ids=market[1:2])
    summary = SnapshotDaySummary.objects.filter(token_id=market[1]).first()
    assert 24 <= len(bytes(summary.points)) // 40 <= 28  # 144 quotes that day


def test_it_summarises_each_inner_day_once(market):
    first = day_summaries_build(token_ids=market[1:])
    assert day_summaries_build(token_ids=market[1:]) == 0
    assert SnapshotDaySummary.objects.count() == first


def test_it_summarises_at_most_a_batch_of_days_per_call(market, monkeypatch):
    monkeypatch.setattr("markets.services.day_summary.BUILD_MAX_DAYS", 50)
    assert day_summaries_build(token_ids=market[1:]) == 50
    assert BUILD_MAX_DAYS > 50


def _summarised_day(token_id):
    day = SnapshotDaySummary.objects.filter(token_id=token_id).order_by("day")[10].day
    return day, int(np.datetime64(day, "s").astype(np.int64))


def test_a_new_quote_in_a_summarised_day_deletes_its_summary_and_only_that(market):
    lists = {1: market[1:]}
    day_summaries_build(token_ids=market[1:])
    count = SnapshotDaySummary.objects.count()
    day, start = _summarised_day(market[2])
    snapshot_ingest(
        quotes=QuoteColumns(np.array([market[2]]), np.array([start + 7 * HOUR + 5]),
                            np.array([1e6]), np.array([np.nan]), np.array([1.0])),
        source="test",
    )  # fmt: skip
    assert not SnapshotDaySummary.objects.filter(token_id=market[2], day=day).exists()
    assert SnapshotDaySummary.objects.count() == count - 1
    after = figures(market, lists)
    SnapshotDaySummary.objects.all().delete()
    assert figures(market, lists) == after


def test_updating_or_deleting_a_quote_deletes_its_days_summary(market):
    day_summaries_build(token_ids=market[1:])
    day, _ = _summarised_day(market[1])
    quote = Snapshot.objects.filter(token_id=market[1], ts__date=day).order_by("ts").first()
    Snapshot.objects.filter(pk=quote.pk).update(price_usd=quote.price_usd * 3)
    assert not SnapshotDaySummary.objects.filter(token_id=market[1], day=day).exists()

    day_summaries_build(token_ids=market[1:])
    assert SnapshotDaySummary.objects.filter(token_id=market[1], day=day).exists()
    Snapshot.objects.filter(pk=quote.pk).delete()
    assert not SnapshotDaySummary.objects.filter(token_id=market[1], day=day).exists()


def test_a_bulk_load_run_as_a_replica_still_deletes_the_summaries(market):
    day_summaries_build(token_ids=market[1:])
    day, start = _summarised_day(market[1])
    n = DIRECT_COPY_MIN_ROWS
    ts = start + np.arange(n, dtype=np.int64) * (DAY // n)  # a new source over that day
    snapshot_ingest(
        quotes=QuoteColumns(np.full(n, market[1]), ts, np.full(n, 5.0), np.full(n, np.nan),
                            np.full(n, np.nan)),
        source="bulk",
    )  # fmt: skip
    assert not SnapshotDaySummary.objects.filter(token_id=market[1], day=day).exists()


def test_the_periodic_refresh_builds_the_summaries(market):
    from markets.services.ingest import IngestResult
    from markets.services.metrics import derived_refresh

    ingested = IngestResult(1, 1, 0, frozenset(market), END - HOUR, END)
    derived_refresh(ingested=ingested)
    assert not SnapshotDaySummary.objects.exists()  # imports and backfills do not
    derived_refresh(ingested=ingested, summarise=True)
    assert SnapshotDaySummary.objects.exists()
    assert not SnapshotDaySummary.objects.filter(token_id=market[0]).exists()


def test_connections_do_not_jit_compile_the_metrics_read(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
