"""An alert identical to one its owner already has (same subject, condition, level, frequency,
cooldown and webhook; ended and expired ones aside) is refused, naming the one they have:
eight identical POSTs made eight rules, each firing the same notification."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from alerts import services
from alerts.models import AlertRule
from alerts.services import alert_create

BTC_60K = {"condition": "crossing_down", "value": 60000, "target": "token", "symbol": "BTC"}


def btc_60k(owner, **fields) -> AlertRule:
    return alert_create(owner=owner, **{**BTC_60K, **fields})


def page_form(**fields) -> dict:
    return {
        "condition": "crossing_down",
        "value": "60000",
        "target": "token",
        "symbol": "BTC",
        "frequency": "once",
        "cooldown_hours": "6",
        **fields,
    }


@pytest.mark.django_db
def test_eight_identical_api_posts_make_one_alert_and_seven_400s_naming_it(api_client, alice, btc):
    api_client.force_authenticate(alice)
    answers = [api_client.post("/api/v1/alerts/", BTC_60K, format="json") for _ in range(8)]

    assert [a.status_code for a in answers] == [201] + [400] * 7
    kept = AlertRule.objects.get(owner=alice)
    refused = answers[1].json()
    assert list(refused["errors"]) == ["non_field_errors"]
    assert f"alert {kept.pk}" in refused["detail"]
    assert "BTC: price crossing down $60,000.00" in refused["detail"]


@pytest.mark.django_db
def test_the_refusal_is_in_french_for_a_french_client(api_client, alice, btc):
    btc_60k(alice)
    api_client.force_authenticate(alice)
    answer = api_client.post("/api/v1/alerts/", BTC_60K, format="json", HTTP_ACCEPT_LANGUAGE="fr")

    assert answer.status_code == 400
    assert "Vous avez déjà cette alerte\u202f:" in answer.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "other",
    [
        {"value": 59000},
        {"condition": "less_than"},
        {"symbol": "TAO"},
        {"frequency": "rearm"},
        {"cooldown_seconds": 3600},
        {"webhook_url": "https://hooks.example.com/a"},
    ],
)
def test_an_alert_differing_in_one_setting_is_made(alice, btc, tao, other, monkeypatch):
    monkeypatch.setattr("notifications.services.webhook_url_check", lambda url: url)
    btc_60k(alice)
    btc_60k(alice, **other)

    assert AlertRule.objects.filter(owner=alice).count() == 2


@pytest.mark.django_db
def test_another_users_identical_alert_is_no_obstacle(alice, bob, btc):
    btc_60k(alice)
    btc_60k(bob)

    assert AlertRule.objects.count() == 2


@pytest.mark.django_db
def test_a_paused_identical_alert_counts_and_the_message_says_to_resume_it(alice, btc):
    paused = btc_60k(alice, is_active=False)
    with pytest.raises(services.ValidationError) as refused:
        btc_60k(alice)

    assert f"alert {paused.pk}, paused" in " ".join(refused.value.messages)
    assert refused.value.rule == paused


@pytest.mark.django_db
def test_an_alert_identical_to_an_ended_or_expired_one_is_made(alice, btc):
    ended = btc_60k(alice)
    AlertRule.objects.filter(pk=ended.pk).update(ended_at=timezone.now())
    expired = btc_60k(alice, frequency="rearm")
    AlertRule.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    btc_60k(alice)
    btc_60k(alice, frequency="rearm")

    assert AlertRule.objects.filter(owner=alice).count() == 4


@pytest.mark.django_db
def test_the_page_form_refuses_it_with_a_link_to_the_alert_they_have(client, alice, btc):
    kept = btc_60k(alice)
    client.force_login(alice)
    response = client.post("/alerts/new/", page_form())

    assert response.status_code == 400
    page = response.content.decode()
    assert "You already have this alert" in page
    assert f'href="/alerts/{kept.pk}/edit/"' in page
    assert AlertRule.objects.count() == 1


@pytest.mark.django_db
def test_editing_an_alert_into_a_copy_of_another_is_refused(client, api_client, alice, btc):
    kept = btc_60k(alice)
    other = btc_60k(alice, value=59000)
    client.force_login(alice)
    page = client.post(f"/alerts/{other.pk}/edit/", page_form())
    api_client.force_authenticate(alice)
    api = api_client.patch(f"/api/v1/alerts/{other.pk}/", {"value": 60000}, format="json")

    assert page.status_code == 400 and f'href="/alerts/{kept.pk}/edit/"' in page.content.decode()
    assert api.status_code == 400 and f"alert {kept.pk}" in api.json()["detail"]
    other.refresh_from_db()
    assert other.value == 59000


@pytest.mark.django_db
def test_saving_an_alert_unchanged_is_not_a_copy_of_itself(client, alice, btc):
    rule = btc_60k(alice)
    client.force_login(alice)

    assert client.post(f"/alerts/{rule.pk}/edit/", page_form()).status_code == 302


@pytest.mark.django_db
def test_resuming_an_ended_alert_identical_to_a_live_one_is_refused(client, api_client, alice, btc):
    ended = btc_60k(alice)
    AlertRule.objects.filter(pk=ended.pk).update(ended_at=timezone.now())
    live = btc_60k(alice)
    client.force_login(alice)
    page = client.post(f"/alerts/{ended.pk}/pause/", {"paused": "0"}, follow=True)
    api_client.force_authenticate(alice)
    api = api_client.patch(f"/api/v1/alerts/{ended.pk}/", {"is_active": True}, format="json")

    assert f"alert {live.pk}" in page.content.decode()
    assert api.status_code == 400
    ended.refresh_from_db()
    assert ended.ended_at is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_identical_requests_at_the_same_moment_make_one_alert(alice, btc, monkeypatch):
    """Each request looks for a copy, finds none, and waits for the others to have looked
    too before inserting: only the lock on the owner keeps the second from looking before
    the first has saved."""
    barrier = threading.Barrier(3, timeout=2)
    find = services._duplicate_find

    def find_then_wait(**kwargs):
        found = find(**kwargs)
        # Broken when the others wait for the lock instead: they will find this one.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return found

    monkeypatch.setattr(services, "_duplicate_find", find_then_wait)
    outcomes = []

    def request():
        try:
            btc_60k(alice)
            outcomes.append("made")
        except services.ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["made", "refused", "refused"]
    assert AlertRule.objects.filter(owner=alice).count() == 1
