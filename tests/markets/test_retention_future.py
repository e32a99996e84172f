"""A mistyped future date must not make compaction fold a token's raw history."""

from datetime import UTC, datetime

import numpy as np
import pytest

from markets.demo_episode import DEMO_SOURCE
from markets.metrics_math import DAY
from markets.models import Snapshot
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.retention import snapshots_compact
from tests.factories import TokenFactory

NOW = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)
T = int(NOW.timestamp())
FUTURE = int(datetime(2099, 1, 1, tzinfo=UTC).timestamp())


def quotes(token, ts, *, source):
    ts = np.asarray(ts, dtype=np.int64)
    price = np.full(len(ts), 10.0)
    snapshot_ingest(
        quotes=QuoteColumns(np.full(len(ts), token.id, np.int64), ts, price, price * 1e6,
                            price * 1e4),
        source=source,
    )  # fmt: skip


def raw_before(token, edge):
    return Snapshot.objects.filter(token=token, ts__lt=datetime.fromtimestamp(edge, UTC)).count()


@pytest.mark.parametrize("provider", ["demo", "coingecko"])
def test_a_2099_row_does_not_fold_a_stale_tokens_recent_history(db, settings, provider):
    settings.PRICE_PROVIDER = provider
    token = TokenFactory(symbol="OLD")
    end = T - 250 * DAY  # stopped updating 250 days ago
    quotes(token, np.arange(end - 200 * DAY, end + 1, 3600), source="test")
    kept = raw_before(token, end + 1) - raw_before(token, end - 100 * DAY + 3600)
    quotes(token, [FUTURE], source="import")

    snapshots_compact(now=NOW)

    # The 100 days before its real latest quote stay raw, and so does the 2099 row.
    left = Snapshot.objects.filter(token=token)
    assert left.filter(ts__gte=datetime.fromtimestamp(end - 100 * DAY + 3600, UTC)).count() == (
        kept + 1
    )
    assert left.filter(ts=datetime.fromtimestamp(FUTURE, UTC)).exists()


def test_in_demo_mode_a_2099_row_does_not_fold_the_episode(db, settings):
    # Without ``now`` compaction runs on the wall clock, months after the demo episode: the
    # 2099 row used to become the token's latest, so all its February quotes folded.
    settings.PRICE_PROVIDER = "demo"
    token = TokenFactory(symbol="TAO")
    quotes(token, np.arange(T - 30 * DAY, T + 1, 3600), source=DEMO_SOURCE)
    raw = Snapshot.objects.filter(token=token).count()
    quotes(token, [FUTURE], source="import")

    result = snapshots_compact()

    assert result.raw_folded == 0
    assert Snapshot.objects.filter(token=token).count() == raw + 1
