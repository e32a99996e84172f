"""Watchlist and curated-list targets, list conditions, races and query counts."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import engine
from alerts.engine import alerts_evaluate
from alerts.models import AlertFiring
from alerts.services import alert_create
from markets.models import TokenListMembership
from notifications.models import Notification
from tests.factories import TokenFactory, TokenListFactory
from watchlists.services import watchlist_add_token, watchlist_create


def subjects_fired(rule) -> list[int]:
    return sorted(AlertFiring.objects.filter(rule=rule).values_list("subject_id", flat=True))


@pytest.mark.django_db
def test_a_watchlist_rule_watches_every_token_of_the_list(market, btc, tao, alice):
    watchlist = watchlist_create(owner=alice, name="Mine")
    watchlist_add_token(watchlist=watchlist, symbol="TAO")
    watchlist_add_token(watchlist=watchlist, symbol="BTC")
    market.tick({btc: 60_000, tao: 200})
    rule = alert_create(
        owner=alice,
        condition="change_1h_below",
        value=-0.05,
        target="watchlist",
        watchlist_id=watchlist.pk,
        frequency="rearm",
    )
    market.tick({btc: 59_000, tao: 180})
    assert subjects_fired(rule) == [tao.pk]


@pytest.mark.django_db
def test_a_list_rule_covers_members_added_after_its_creation(market, btc, tao, alice):
    ai = TokenListFactory(slug="ai", name="AI")
    TokenListMembership.objects.create(token_list=ai, token=tao, position=0)
    near = TokenFactory(symbol="NEAR")
    market.tick({tao: 200, near: 3.0})
    rule = alert_create(
        owner=alice,
        condition="drawdown_7d_below",
        value=-0.20,
        target="list",
        list_slug="ai",
        frequency="rearm",
    )
    TokenListMembership.objects.create(token_list=ai, token=near, position=1)
    market.tick({tao: 190, near: 2.0})
    assert subjects_fired(rule) == [near.pk]
    assert Notification.objects.get(user=alice).url == "/tokens/NEAR/"


@pytest.fixture
def ai(market, tao):
    """The "AI tokens" list with TAO, quoted at 200 $."""
    ai = TokenListFactory(slug="ai", name="AI tokens")
    TokenListMembership.objects.create(token_list=ai, token=tao, position=0)
    market.tick({tao: 200}, hours=0)
    return ai


@pytest.mark.django_db
def test_list_conditions_watch_the_sector_figures(market, btc, tao, alice, ai):
    cap = alert_create(
        owner=alice,
        condition="list_cap_change_24h_below",
        value=-0.10,
        target="list",
        list_slug="ai",
    )
    down = alert_create(
        owner=alice, condition="list_members_down_20", value=1, target="list", list_slug="ai"
    )
    market.tick({tao: 150}, hours=24)
    assert subjects_fired(down) == [ai.pk]
    assert subjects_fired(cap) == []  # caps stay at 1 G$ in these quotes
    assert Notification.objects.filter(url="/lists/ai/").count() == 1


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_number_of_rules(market, btc, alice, bob):
    market.tick({btc: 61_000})

    levels = itertools.count(60_000)  # one level each: identical alerts are refused

    def queries(rules: int) -> int:
        for _ in range(rules):
            alert_create(
                owner=alice,
                condition="less_than",
                value=next(levels),
                symbol="BTC",
                target="token",
                frequency="per_refresh",
                cooldown_seconds=0,
            )
        market.tick({btc: 59_000 - rules}, evaluate=False)
        with CaptureQueriesContext(connection) as captured:
            result = alerts_evaluate()
        assert result.fired >= rules
        return len(captured)

    assert queries(5) == queries(50)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_two_workers_evaluating_the_same_metrics_notify_once(market, btc, alice, monkeypatch):
    market.tick({btc: 61_000})
    rule = alert_create(
        owner=alice,
        condition="crossing_down",
        value=60_000,
        symbol="BTC",
        target="token",
        frequency="per_refresh",
        cooldown_seconds=0,
    )
    market.tick({btc: 59_000}, evaluate=False)
    barrier = threading.Barrier(2, timeout=20)
    decide = engine._decide

    def decide_together(inputs, now):
        decisions = decide(inputs, now)
        barrier.wait()  # both workers read the same state before either writes
        return decisions

    monkeypatch.setattr(engine, "_decide", decide_together)
    # Evaluations take turns (a lock); without it, the unique firing still notifies once.
    monkeypatch.setattr(engine, "_evaluation_lock", lambda: None)
    results = []

    def worker():
        try:
            results.append(alerts_evaluate())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted((r.fired, r.duplicates) for r in results) == [(0, 1), (1, 0)]
    assert subjects_fired(rule) == [btc.pk]
    assert Notification.objects.filter(user=alice).count() == 1


@pytest.mark.django_db
def test_a_list_alert_names_the_list_in_the_owners_language(market, tao, bob):
    bob.preferred_language = "fr"
    bob.save(update_fields=["preferred_language"])
    ai = TokenListFactory(slug="ai", name="AI tokens", name_fr="Jetons IA")
    TokenListMembership.objects.create(token_list=ai, token=tao, position=0)
    market.tick({tao: 200}, hours=0)
    alert_create(
        owner=bob, condition="list_members_down_20", value=1, target="list", list_slug="ai"
    )
    market.tick({tao: 150}, hours=24)
    title = Notification.objects.get(user=bob).title
    assert title.startswith("Jetons IA")
    assert AlertFiring.objects.get(rule__owner=bob).text == title


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_a_once_alert_fires_once_when_evaluations_of_two_refreshes_overlap(
    market, btc, alice, monkeypatch
):
    market.tick({btc: 61_000})
    rule = alert_create(owner=alice, condition="less_than", value=60_000, symbol="BTC")
    market.tick({btc: 59_000}, evaluate=False)
    loaded, release = threading.Event(), threading.Event()
    load = engine.inputs_load

    def first_waits_after_reading(now):
        inputs = load(now)
        if threading.current_thread().name == "first":
            loaded.set()
            release.wait(20)  # the next refresh's evaluation runs meanwhile
        return inputs

    monkeypatch.setattr(engine, "inputs_load", first_waits_after_reading)

    def worker():
        try:
            alerts_evaluate()
        finally:
            connection.close()

    first = threading.Thread(target=worker, name="first")
    first.start()
    assert loaded.wait(20)
    market.tick({btc: 58_000}, evaluate=False)  # the next refresh's metrics
    second = threading.Thread(target=worker, name="second")
    second.start()
    second.join(2)
    release.set()
    first.join()
    second.join()
    assert AlertFiring.objects.filter(rule=rule).count() == 1
    assert Notification.objects.filter(user=alice).count() == 1


@pytest.mark.django_db
def test_a_list_alert_stays_silent_while_staff_have_unpublished_the_list(
    market, btc, tao, alice, ai
):
    # An unpublished list is a 404 everywhere for its users (page, API, comments): its
    # members and figures must not reach them through an alert made while it was public.
    down = alert_create(
        owner=alice, condition="list_members_down_20", value=1, target="list", list_slug="ai"
    )
    members = alert_create(
        owner=alice,
        condition="drawdown_7d_below",
        value=-0.20,
        target="list",
        list_slug="ai",
        frequency="rearm",
    )
    ai.is_public = False
    ai.save(update_fields=["is_public"])
    draft_member = TokenFactory(symbol="SECRET")
    TokenListMembership.objects.create(token_list=ai, token=draft_member, position=1)
    market.tick({tao: 150, draft_member: 5.0}, hours=24)
    market.tick({tao: 140, draft_member: 2.0}, hours=1)
    assert subjects_fired(down) == [] and subjects_fired(members) == []
    assert not Notification.objects.filter(user=alice).exists()

    ai.is_public = True  # published again: the alerts work again
    ai.save(update_fields=["is_public"])
    market.tick({tao: 130, draft_member: 1.0}, hours=1)
    assert subjects_fired(down) == [ai.pk]
