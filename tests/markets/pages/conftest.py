"""Fixtures for the market pages: the demo episode, lists built from factories, frozen time."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from markets.metrics_math import DAY, HOUR
from markets.models import Token, TokenList
from markets.services.demo import demo_seed
from markets.services.ingest import QuoteColumns, snapshot_ingest
from markets.services.metrics import metrics_recompute
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory

END = datetime(2026, 2, 6, 12, tzinfo=UTC)
JUST_AFTER_END = END + timedelta(minutes=5)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The French pages need the compiled catalogue (`make install` compiles it too)."""
    for po in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            call_command("compilemessages", locale=[po.parent.parent.name], verbosity=0)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo episode ending on 6 February 2026 at 12:00 UTC, seeded once per module.

    It lives in a transaction rolled back after the module; each test runs in a savepoint
    inside it, so tests may still change data freely.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        demo_seed(end=END)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo, db):
    """The demo data, seen a few minutes after its last snapshot (so fresh, not stale)."""
    with time_machine.travel(JUST_AFTER_END, tick=False):
        yield


@pytest.fixture
def empty(db):
    """No tokens and no lists, even in a module where another test seeded the demo."""
    TokenList.objects.all().delete()
    Token.objects.all().delete()


def build_list(members: int, *, slug: str = "big", featured: bool = True) -> list[str]:
    """A public list of ``members`` tokens plus BTC, each with 8 days of hourly prices.

    Uses factories, snapshot_ingest and metrics_recompute as the real refresh does.
    Returns the member symbols in list order.
    """
    btc = TokenFactory(symbol="BTC", name="Bitcoin", is_benchmark=True)
    token_list = TokenListFactory(slug=slug, name=f"List {slug}", is_featured=featured)
    tokens = [TokenFactory(symbol=f"T{slug.upper()}{i:03d}") for i in range(members)]
    for position, token in enumerate(tokens):
        MembershipFactory(token_list=token_list, token=token, position=position)
    end = int(END.timestamp())
    hours = np.arange(8 * DAY // HOUR, -1, -1, dtype=np.int64)
    ids, times, prices = [], [], []
    rng = np.random.default_rng(7)
    for token in [btc, *tokens]:
        walk = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(hours))))
        ids.append(np.full(len(hours), token.pk, np.int64))
        times.append(end - hours * HOUR)
        prices.append(walk)
    price = np.concatenate(prices)
    snapshot_ingest(
        quotes=QuoteColumns(
            token_id=np.concatenate(ids),
            ts=np.concatenate(times),
            price_usd=price,
            market_cap_usd=price * 1e7,
            volume_24h_usd=price * 1e5,
        ),
        source="test",
    )
    metrics_recompute(token_ids=[btc.pk, *(t.pk for t in tokens)])
    return [t.symbol for t in tokens]
