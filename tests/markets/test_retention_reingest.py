"""Quotes for hours that retention already compacted are not stored again: a re-import or a
second backfill of old history changes nothing, and the buckets do not count it twice."""

import io
from datetime import UTC, datetime

import numpy as np
import pytest
from django.core.management import call_command

from markets.metrics_math import DAY, HOUR
from markets.models import Snapshot, SnapshotCompact
from markets.selectors import snapshot_buckets
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.retention import snapshots_compact

NOW = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)
T = int(NOW.timestamp())


def quotes(token, *, days: int, step: int = 30 * 60, skip_hour: int | None = None):
    ts = np.arange(T - days * DAY, T + 1, step, dtype=np.int64)
    if skip_hour is not None:  # no quote at all in that hour
        ts = ts[(ts - ts % HOUR) != skip_hour]
    price = 100 + np.sin(ts / 5e4)
    return QuoteColumns(np.full(len(ts), token.id, np.int64), ts, price, price * 1e7, price * 1e5)


def day_counts(token, day: int) -> list[int]:
    since, until = datetime.fromtimestamp(day, UTC), datetime.fromtimestamp(day + DAY - 1, UTC)
    return [b["count"] for b in snapshot_buckets(token=token, since=since, until=until,
                                                 interval="1h")]  # fmt: skip


def test_a_second_ingest_of_compacted_history_stores_nothing_and_counts_it(tao):
    first = quotes(tao, days=200)
    snapshot_ingest(quotes=first, source="csv")
    assert snapshots_compact(now=NOW).raw_folded > 0
    old_day = T - 150 * DAY - (T - 150 * DAY) % DAY
    before = day_counts(tao, old_day)

    again = snapshot_ingest(quotes=quotes(tao, days=200), source="csv")

    raw_left = Snapshot.objects.filter(token=tao).count()
    assert again.stored == 0
    assert again.compacted == len(first) - raw_left
    assert day_counts(tao, old_day) == before == [2] * 24
    assert snapshots_compact(now=NOW).raw_folded == 0


def test_history_folded_into_days_is_final_too(btc):
    snapshot_ingest(quotes=quotes(btc, days=800, step=2 * HOUR), source="csv")
    snapshots_compact(now=NOW)
    old_day = T - 790 * DAY - (T - 790 * DAY) % DAY
    assert SnapshotCompact.objects.filter(
        interval="1d", bucket=datetime.fromtimestamp(old_day, UTC)
    )

    again = snapshot_ingest(quotes=quotes(btc, days=800, step=2 * HOUR), source="csv")

    assert again.stored == 0 and again.compacted > 0


def test_an_old_hour_that_was_never_compacted_still_takes_quotes(tao):
    gap = T - 150 * DAY - (T - 150 * DAY) % HOUR
    snapshot_ingest(quotes=quotes(tao, days=200, skip_hour=gap), source="csv")
    snapshots_compact(now=NOW)

    late = snapshot_ingest(
        quotes=QuoteColumns(np.array([tao.id]), np.array([gap + 60]), np.array([5.0]),
                            np.array([np.nan]), np.array([np.nan])),
        source="csv",
    )  # fmt: skip

    assert (late.stored, late.compacted) == (1, 0)


@pytest.mark.parametrize("rows", [1, 3])
def test_the_import_summary_says_how_many_rows_fell_in_compacted_hours(tao, tmp_path, rows):
    snapshot_ingest(quotes=quotes(tao, days=200), source="csv")
    snapshots_compact(now=NOW)
    old = [datetime.fromtimestamp(T - 150 * DAY + 60 * i, UTC) for i in range(rows)]
    path = tmp_path / "old.csv"
    path.write_text(
        "symbol,timestamp,price_usd,market_cap_usd,volume_24h_usd\n"
        + "".join(f"TAO,{at:%Y-%m-%dT%H:%M:%SZ},1,,\n" for at in old)
    )
    out = io.StringIO()

    call_command("import_prices", str(path), stdout=out)

    noun = "1 row falls" if rows == 1 else f"{rows} rows fall"
    read = "1 row read" if rows == 1 else f"{rows} rows read"
    assert f"{read}, 0 stored" in out.getvalue()
    assert f"{noun} in hours already compacted by retention" in out.getvalue()


def test_a_day_keeping_raw_snapshots_is_not_folded_into_a_daily_row(tao):
    # A token that stopped 700 days ago: its raw snapshots fold up to 100 days before its
    # own last one (12:00 that day), its hours up to 730 days before now. The day of that
    # 12:00 got a daily row from its first twelve hours while its afternoon stayed raw:
    # a re-import then called those raw rows "already compacted: not stored", and refused
    # a correction of one of them.
    end = T - 700 * DAY - (T - 700 * DAY) % DAY + 12 * HOUR
    ts = np.arange(end - 200 * DAY, end + 1, HOUR, dtype=np.int64)
    price = 100 + np.sin(ts / 5e4)
    columns = QuoteColumns(np.full(len(ts), tao.id, np.int64), ts, price, price, price)
    snapshot_ingest(quotes=columns, source="csv")
    snapshots_compact(now=NOW)
    raw_first = int(Snapshot.objects.filter(token=tao).order_by("ts").first().ts.timestamp())
    assert raw_first % DAY == 12 * HOUR  # the raw snapshots start at noon

    assert not SnapshotCompact.objects.filter(
        token=tao, interval="1d", bucket=datetime.fromtimestamp(raw_first - raw_first % DAY, UTC)
    ).exists()
    again = snapshot_ingest(quotes=columns, source="csv")
    assert (again.stored, again.compacted) == (0, int((ts < raw_first).sum()))
    fix = QuoteColumns(np.array([tao.id]), np.array([raw_first + HOUR]), np.array([7.0]),
                       np.array([np.nan]), np.array([np.nan]))  # fmt: skip
    assert snapshot_ingest(quotes=fix, source="csv").stored == 1
