"""Rules evaluated after real ingests and metric recomputes: crossings, frequency, cooldown,
expiry, pause, deactivated tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.engine import alerts_evaluate
from alerts.models import AlertFiring
from alerts.services import alert_create, alert_pause
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def fired(rule) -> list[float]:
    return list(
        AlertFiring.objects.filter(rule=rule).order_by("fired_at").values_list("value", flat=True)
    )


def crossing_down(owner, **fields):
    return alert_create(
        owner=owner,
        condition="crossing_down",
        value=60_000,
        target="token",
        symbol="BTC",
        **{"frequency": "rearm", "cooldown_seconds": 0, **fields},
    )


def test_a_crossing_down_fires_once_when_the_price_crosses_and_not_while_it_stays_below(
    market, btc, alice
):
    market.tick({btc: 62_000})
    rule = crossing_down(alice)
    market.tick({btc: 61_000})
    assert fired(rule) == []
    result = market.tick({btc: 59_850})
    assert result.fired == 1 and fired(rule) == [59_850]
    market.tick({btc: 59_000})
    market.tick({btc: 58_000})
    assert fired(rule) == [59_850]
    notification = Notification.objects.get(user=alice)
    assert notification.title == "BTC crossed down $60,000.00 at $59,850.00"
    assert notification.url == "/tokens/BTC/"


def test_a_crossing_never_fires_for_a_price_already_beyond_the_level_at_creation(
    market, btc, alice
):
    market.tick({btc: 62_000})
    market.tick({btc: 59_000}, evaluate=False)  # metrics moved, no evaluation yet
    rule = crossing_down(alice)
    market.tick({btc: 58_500})
    market.tick({btc: 58_000})
    assert fired(rule) == []


def test_a_crossing_up_fires_when_the_price_rises_through_the_level(market, btc, alice):
    market.tick({btc: 58_000})
    rule = alert_create(
        owner=alice,
        condition="crossing_up",
        value=60_000,
        symbol="BTC",
        target="token",
        cooldown_seconds=0,
    )
    market.tick({btc: 59_000})
    market.tick({btc: 60_500})
    assert fired(rule) == [60_500]


def test_crossing_fires_both_ways_and_re_arms(market, btc, alice):
    market.tick({btc: 61_000})
    rule = alert_create(
        owner=alice,
        condition="crossing",
        value=60_000,
        symbol="BTC",
        target="token",
        frequency="rearm",
        cooldown_seconds=0,
    )
    for price in (59_000, 58_000, 61_000):
        market.tick({btc: price})
    assert fired(rule) == [59_000, 61_000]


def test_a_once_rule_ends_after_its_first_firing(market, btc, alice):
    market.tick({btc: 58_000})
    rule = alert_create(
        owner=alice,
        condition="less_than",
        value=60_000,
        symbol="BTC",
        target="token",
        frequency="once",
    )
    market.tick({btc: 57_000})
    market.tick({btc: 56_000})
    rule.refresh_from_db()
    assert fired(rule) == [57_000] and rule.ended_at is not None


def test_a_per_refresh_rule_fires_at_each_refresh_while_true(market, btc, alice):
    market.tick({btc: 58_000})
    rule = alert_create(
        owner=alice,
        condition="less_than",
        value=60_000,
        symbol="BTC",
        target="token",
        frequency="per_refresh",
        cooldown_seconds=0,
    )
    for price in (57_000, 56_000, 61_000, 59_000):
        market.tick({btc: price})
    assert fired(rule) == [57_000, 56_000, 59_000]


def test_a_re_arm_rule_waits_until_the_condition_has_cleared(market, btc, alice):
    market.tick({btc: 58_000})
    rule = alert_create(
        owner=alice,
        condition="less_than",
        value=60_000,
        symbol="BTC",
        target="token",
        frequency="rearm",
        cooldown_seconds=0,
    )
    for price in (57_000, 56_000, 61_000, 59_000, 58_000):
        market.tick({btc: price})
    assert fired(rule) == [57_000, 59_000]


def test_the_cooldown_holds_back_a_firing_until_it_has_passed(market, btc, alice):
    market.tick({btc: 58_000})
    rule = alert_create(
        owner=alice,
        condition="less_than",
        value=60_000,
        symbol="BTC",
        target="token",
        frequency="per_refresh",
    )  # default 6 h
    market.tick({btc: 57_000})
    market.tick({btc: 56_000}, hours=5)
    market.tick({btc: 55_000}, hours=2)
    assert fired(rule) == [57_000, 55_000]


def test_an_expired_rule_and_a_paused_rule_do_not_fire(market, btc, alice):
    market.tick({btc: 61_000})
    expiring = crossing_down(alice, expires_at=timezone.now() + timedelta(minutes=30))
    paused = alert_pause(rule=crossing_down(alice, frequency="per_refresh"))  # not a copy
    market.tick({btc: 59_000})
    assert fired(expiring) == [] and fired(paused) == []
    alert_pause(rule=paused, paused=False)
    market.tick({btc: 61_000})
    market.tick({btc: 59_500})
    assert fired(paused) == [59_500]


def test_a_deactivated_token_is_not_evaluated(market, btc, alice):
    market.tick({btc: 58_000})
    rule = alert_create(
        owner=alice,
        condition="less_than",
        value=60_000,
        symbol="BTC",
        target="token",
        frequency="per_refresh",
        cooldown_seconds=0,
    )
    btc.is_active = False
    btc.save(update_fields=["is_active"])
    market.tick({btc: 57_000})
    assert fired(rule) == []


def test_evaluating_the_same_metrics_twice_records_and_notifies_once(market, btc, alice):
    market.tick({btc: 58_000})
    rule = alert_create(
        owner=alice,
        condition="less_than",
        value=60_000,
        symbol="BTC",
        target="token",
        frequency="per_refresh",
        cooldown_seconds=0,
    )
    market.tick({btc: 57_000})
    again = alerts_evaluate()
    assert again.fired == 0 and again.duplicates == 1
    assert fired(rule) == [57_000]
    assert Notification.objects.filter(user=alice).count() == 1


def test_change_and_drawdown_conditions_read_the_metrics(market, tao, alice):
    market.tick({tao: 200.0})
    change = alert_create(
        owner=alice, condition="change_1h_below", value=-0.10, symbol="TAO", target="token"
    )
    drawdown = alert_create(
        owner=alice, condition="drawdown_ath_below", value=-0.20, symbol="TAO", target="token"
    )
    market.tick({tao: 185.0})
    assert fired(change) == [] and fired(drawdown) == []
    market.tick({tao: 150.0})
    assert fired(change) == [pytest.approx(150 / 185 - 1)]
    assert fired(drawdown) == [pytest.approx(-0.25)]


def test_a_volume_spike_fires_when_the_24h_volume_exceeds_k_times_its_30_day_average(
    market, tao, alice
):
    for _ in range(48):
        market.tick({tao: 200.0}, evaluate=False, volume=1e8)
    rule = alert_create(
        owner=alice, condition="volume_spike", value=3, symbol="TAO", target="token"
    )
    market.tick({tao: 200.0}, volume=2e8)
    assert fired(rule) == []
    market.tick({tao: 190.0}, volume=9e8)
    assert fired(rule) == [9e8]


def test_a_volume_spike_averages_one_quote_per_instant_that_of_the_last_source(market, tao, alice):
    # A second source ("aaa", which sorts before "stub") quotes the same seconds with a volume
    # a hundred times larger: every figure reads the "stub" quote, and so does the average.
    for _ in range(48):
        market.tick({tao: 200.0}, evaluate=False, volume=1e8)
        snapshot_ingest(quotes=[Quote(tao.pk, market.now, 200.0, 1e9, 1e10)], source="aaa")
    rule = alert_create(
        owner=alice, condition="volume_spike", value=3, symbol="TAO", target="token"
    )
    market.tick({tao: 190.0}, volume=9e8)
    assert fired(rule) == [9e8]


def test_the_notification_speaks_the_owners_language(market, btc, bob):
    bob.preferred_language = "fr"
    bob.save(update_fields=["preferred_language"])
    market.tick({btc: 62_000})
    crossing_down(bob)
    market.tick({btc: 59_850})
    title = Notification.objects.get(user=bob).title
    assert title == "BTC a franchi à la baisse 60\u202f000,00\u00a0$ à 59\u202f850,00\u00a0$"


def test_without_a_preference_the_notification_speaks_the_sites_default_language(
    market, btc, bob, settings
):
    settings.LANGUAGE_CODE = "fr"  # a French site; bob chose no language
    market.tick({btc: 62_000})
    crossing_down(bob)
    market.tick({btc: 59_850})
    assert Notification.objects.get(user=bob).title.startswith("BTC a franchi à la baisse")


def test_the_alerts_of_a_deactivated_account_neither_fire_nor_call_its_webhook(
    market, btc, tao, alice, settings
):
    from notifications.models import WebhookDelivery
    from notifications.services import webhook_settings_update
    from watchlists.services import watchlist_add_token, watchlist_create

    settings.WEBHOOK_ALLOW_PRIVATE = True
    webhook_settings_update(user=alice, default_url="https://hooks.example.org/in")
    watchlist = watchlist_create(owner=alice, name="Mine")
    watchlist_add_token(watchlist=watchlist, symbol="TAO")
    market.tick({btc: 58_000, tao: 200})
    on_btc = alert_create(  # evaluated by the database
        owner=alice, condition="less_than", value=60_000, symbol="BTC", frequency="per_refresh"
    )
    on_watchlist = alert_create(  # evaluated in memory
        owner=alice,
        condition="less_than",
        value=190,
        target="watchlist",
        watchlist_id=watchlist.pk,
        frequency="per_refresh",
    )
    alice.is_active = False  # staff deactivated the account
    alice.save(update_fields=["is_active"])
    market.tick({btc: 57_000, tao: 150})
    assert fired(on_btc) == [] and fired(on_watchlist) == []
    assert not Notification.objects.filter(user=alice).exists()
    assert not WebhookDelivery.objects.filter(user=alice).exists()


def test_an_ended_once_alert_changed_to_fire_per_refresh_is_live_again(market, btc, alice):
    from alerts.services import alert_update

    market.tick({btc: 58_000})
    rule = alert_create(
        owner=alice, condition="less_than", value=60_000, symbol="BTC", frequency="once"
    )
    market.tick({btc: 57_000})
    rule.refresh_from_db()
    assert rule.ended_at is not None
    rule = alert_update(rule=rule, frequency="per_refresh", cooldown_seconds=0)
    assert rule.ended_at is None
    market.tick({btc: 56_000})
    assert fired(rule) == [57_000, 56_000]


def test_a_re_arm_rule_is_not_re_armed_by_a_missing_figure_whatever_its_target(market, btc, alice):
    """A missed refresh leaves the 1 h change unknown (its reference is too old): that is not
    the condition clearing. A one-token rule (evaluated by the database) re-armed on it and
    fired again; the same rule on a watchlist (evaluated in memory) did not."""
    from watchlists.services import watchlist_add_token, watchlist_create

    watchlist = watchlist_create(owner=alice, name="Mine")
    watchlist_add_token(watchlist=watchlist, symbol="BTC")
    market.tick({btc: 100})
    rule = {"condition": "change_1h_below", "value": -0.05, "frequency": "rearm"}
    one = alert_create(owner=alice, target="token", symbol="BTC", cooldown_seconds=0, **rule)
    many = alert_create(
        owner=alice, target="watchlist", watchlist_id=watchlist.pk, cooldown_seconds=0, **rule
    )
    market.tick({btc: 90})  # -10 %: both fire
    market.tick({btc: 85}, hours=3)  # no quote for 3 hours: the 1 h change is unknown
    market.tick({btc: 80})  # -5.9 %, still below, never cleared
    assert fired(one) == fired(many) and len(fired(one)) == 1
