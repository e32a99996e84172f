"""Evaluation of 100,000 live alert rules over 1,000 tokens (target: under 1 s), with its
query count, against a plain read of the same rules as baseline.

500 users x 200 rules (the per-user maximum), eight kinds of condition spread over the
tokens; about 1 % of the rules are true, so about 1,000 firings and notifications are written
in each run. Digest emails and webhooks run in their own tasks afterwards: not timed here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.engine import alerts_evaluate
from alerts.engine_inputs import RULE_FIELDS
from alerts.models import AlertFiring, AlertRule, AlertState, PriceSeen
from bench.common import REPS, Result, best_of, tokens_create
from markets.models import TokenMetrics
from notifications.models import Notification

TOKENS, USERS, RULES_PER_USER, TARGET = 1_000, 500, 200, 1.0
CONDITIONS = (
    "crossing_down",
    "crossing_up",
    "less_than",
    "greater_than",
    "change_24h_below",
    "drawdown_ath_below",
    "drawdown_7d_below",
    "change_1h_above",
)
PREFIX = "bench-alerts-"
AS_OF = datetime(2026, 2, 6, 12, tzinfo=UTC)


def _metrics(ids: list[int], rng) -> np.ndarray:
    prices = np.exp(rng.uniform(np.log(0.01), np.log(100_000), len(ids)))
    rows = []
    for tid, price in zip(ids, prices, strict=True):
        price = float(price)
        rows.append(
            TokenMetrics(
                token_id=tid,
                as_of=AS_OF,
                price_usd=price,
                market_cap_usd=price * 1e7,
                volume_24h_usd=price * 1e5,
                change_1h=-0.005,
                change_24h=-0.05,
                change_7d=-0.2,
                change_30d=-0.3,
                ath_usd=price * 1.5,
                ath_at=AS_OF - timedelta(days=60),
                drawdown_from_ath=-1 / 3,
                high_7d_usd=price * 1.2,
                low_7d_usd=price * 0.9,
                high_30d_usd=price * 1.3,
                low_30d_usd=price * 0.8,
                drawdown_7d=-1 / 6,
                drawdown_30d=-0.23,
                max_drawdown_30d=-0.3,
                max_drawdown_90d=-0.4,
                computed_at=AS_OF,
            )
        )
    TokenMetrics.objects.bulk_create(rows)
    return prices


def _seen_reset(ids: list[int], prices: np.ndarray) -> None:
    PriceSeen.objects.all().delete()
    PriceSeen.objects.bulk_create(
        PriceSeen(token_id=tid, as_of=AS_OF - timedelta(hours=1), price_usd=float(p) * 1.02)
        for tid, p in zip(ids, prices, strict=True)
    )


def _level(condition: str, price: float, true: bool) -> float:
    """A level that makes the rule true (or clearly false) against the bench metrics."""
    levels = {
        "crossing_down": (price * 1.01, price * 0.5),  # prev = price * 1.02
        "crossing_up": (price * 0.5, price * 0.5),  # never true: the price went down
        "less_than": (price * 1.1, price * 0.5),
        "greater_than": (price * 0.9, price * 2),
        "change_24h_below": (-0.04, -0.5),
        "drawdown_ath_below": (-0.3, -0.9),
        "drawdown_7d_below": (-0.1, -0.9),
        "change_1h_above": (-0.01, 0.5),
    }
    return levels[condition][0 if true else 1]


def _rules(ids: list[int], prices: np.ndarray, rng) -> None:
    User = get_user_model()
    User.objects.filter(username__startswith=PREFIX).delete()
    User.objects.bulk_create(
        User(username=f"{PREFIX}{i}", email=f"{PREFIX}{i}@example.org") for i in range(USERS)
    )
    users = list(User.objects.filter(username__startswith=PREFIX).values_list("pk", flat=True))
    true = rng.random(USERS * RULES_PER_USER) < 0.01
    rows = []
    for n in range(USERS * RULES_PER_USER):
        token = n % TOKENS
        condition = CONDITIONS[(n // TOKENS) % len(CONDITIONS)]
        price = float(prices[token])
        crossing = condition.startswith("crossing")
        rows.append(
            AlertRule(
                owner_id=users[n // RULES_PER_USER],
                condition=condition,
                target="token",
                token_id=ids[token],
                value=_level(condition, price, bool(true[n])),
                frequency="per_refresh",
                cooldown_seconds=0,
                baseline_price=price * 1.02 if crossing else None,
                baseline_as_of=AS_OF - timedelta(hours=2) if crossing else None,
                created_at=AS_OF - timedelta(days=1),
            )
        )
    AlertRule.objects.bulk_create(rows, batch_size=10_000)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give
        cursor.execute("ANALYZE")


def run() -> Result:
    rng = np.random.default_rng(7)
    ids = tokens_create(TOKENS)
    prices = _metrics(ids, rng)
    _rules(ids, prices, rng)
    rules = AlertRule.objects.count()
    print(f"alerts: {rules:,} live rules of {USERS} users over {TOKENS:,} tokens, best of {REPS}")

    def prepare() -> None:
        AlertFiring.objects.all().delete()
        AlertState.objects.all().delete()
        Notification.objects.filter(user__username__startswith=PREFIX).delete()
        _seen_reset(ids, prices)

    fired = []

    def evaluate() -> None:
        fired.append(alerts_evaluate(now=AS_OF + timedelta(minutes=1)).fired)

    def read_rules() -> None:
        list(AlertRule.objects.values_list(*RULE_FIELDS))

    with mock.patch("notifications.tasks.send_digests.delay"):
        measured, baseline = best_of(evaluate, read_rules, prepare=prepare)
        prepare()
        with CaptureQueriesContext(connection) as captured:
            alerts_evaluate(now=AS_OF + timedelta(minutes=1))
    queries = len(captured)
    print(
        f"  alerts_evaluate {measured:.3f} s ({queries} queries, {fired[-1]:,} firings);"
        f" plain read of the rules {baseline:.3f} s"
    )
    get_user_model().objects.filter(username__startswith=PREFIX).delete()
    return Result("alerts", measured, baseline, f"< {TARGET:g} s", measured < TARGET)
