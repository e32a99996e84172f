"""A firing in an alert's history reads in the reader's language, whatever the language it
was recorded in (the owner's saved one, in a Celery task): the page's on /alerts/ and an
alert's page, the request's on the API. Rows from before keep their stored words."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.models import AlertFiring
from alerts.services import alert_create
from alerts.words import firing_params
from markets.models import TokenListMembership
from tests.factories import TokenListFactory

pytestmark = pytest.mark.django_db

ENGLISH = "BTC crossed down $60,000.00 at $59,850.00"
FRENCH = "BTC a franchi à la baisse 60\u202f000,00\xa0$ à 59\u202f850,00\xa0$"


def speak(user, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def fired(market, token, owner):
    """``owner``'s rule after one firing made by the real evaluation."""
    market.tick({token: 61_000})
    rule = alert_create(
        owner=owner, condition="crossing_down", value=60_000, target="token", symbol="BTC"
    )
    market.tick({token: 59_850})
    return rule


def pages_in(client, rule, language: str) -> list[str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = []
    for path in ("/alerts/", f"/alerts/{rule.pk}/"):
        response = client.get(path)
        assert response.status_code == 200
        pages.append(response.content.decode())
    return pages


def api_texts(api_client, rule, language: str) -> list[str]:
    response = api_client.get(f"/api/v1/alerts/{rule.pk}/firings/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_a_firing_recorded_in_english_reads_in_french_on_the_french_alerts_pages(
    client, market, btc, alice
):
    rule = fired(market, btc, alice)
    assert AlertFiring.objects.get(rule=rule).text == ENGLISH  # stored as notified
    client.force_login(alice)

    for html in pages_in(client, rule, "fr"):
        assert f'<a href="/tokens/BTC/">{FRENCH}</a>' in html
        assert ENGLISH not in html


def test_a_firing_recorded_in_french_reads_in_english_on_the_english_alerts_pages(
    client, market, btc, alice
):
    speak(alice, "fr")
    rule = fired(market, btc, alice)
    assert AlertFiring.objects.get(rule=rule).text == FRENCH
    client.force_login(alice)

    for html in pages_in(client, rule, "en"):
        assert f'<a href="/tokens/BTC/">{ENGLISH}</a>' in html
        assert FRENCH not in html


def test_the_api_writes_a_firing_in_the_requests_language(api_client, market, btc, alice):
    rule = fired(market, btc, alice)
    api_client.force_authenticate(alice)

    assert api_texts(api_client, rule, "fr") == [FRENCH]
    assert api_texts(api_client, rule, "en") == [ENGLISH]


def test_a_list_firing_names_the_list_in_the_readers_language(client, market, tao, bob):
    speak(bob, "fr")  # recorded with the French name
    ai = TokenListFactory(slug="ai", name="AI tokens", name_fr="Jetons IA")
    TokenListMembership.objects.create(token_list=ai, token=tao, position=0)
    market.tick({tao: 200}, hours=0)
    rule = alert_create(
        owner=bob, condition="list_members_down_20", value=1, target="list", list_slug="ai"
    )
    market.tick({tao: 150}, hours=24)
    assert AlertFiring.objects.get(rule=rule).text.startswith("Jetons IA")
    client.force_login(bob)

    for html in pages_in(client, rule, "en"):
        assert "AI tokens: 1 member 20 % below its ATH (alert at 1)" in html
        assert "Jetons IA" not in html


def firing(rule, *, text: str, params, hours: int = 0) -> AlertFiring:
    at = datetime(2026, 2, 1, tzinfo=UTC) + timedelta(hours=hours)
    return AlertFiring(
        rule=rule, subject_id=rule.token_id, version=at, value=59_850.0, text=text,
        url="/tokens/BTC/", fired_at=at, run=uuid.uuid4(), params=params,
    )  # fmt: skip


@pytest.mark.parametrize(
    "params",
    [
        {},  # a row from before firings kept their params
        {"condition": "crossing_down"},  # params another release wrote
        ["not", "a", "dict"],
        {"condition": "no_such_condition", "subject": "BTC", "level": 1.0, "value": 1.0},
    ],
)
def test_a_firing_without_usable_params_keeps_its_stored_words(
    client, api_client, market, btc, alice, params
):
    rule = fired(market, btc, alice)
    AlertFiring.objects.filter(rule=rule).update(text="Old English words", params=params)
    client.force_login(alice)
    api_client.force_authenticate(alice)

    for html in pages_in(client, rule, "fr"):
        assert '<a href="/tokens/BTC/">Old English words</a>' in html
    assert api_texts(api_client, rule, "fr") == ["Old English words"]


def test_a_list_name_in_a_firing_is_shown_literally_and_escaped(client, market, tao, alice):
    hostile = "%(level)s {0} <script>alert(1)</script>"
    hostile_list = TokenListFactory(slug="hostile", name=hostile, name_fr="")
    TokenListMembership.objects.create(token_list=hostile_list, token=tao, position=0)
    market.tick({tao: 200}, hours=0)
    rule = alert_create(
        owner=alice, condition="list_members_down_20", value=1, target="list", list_slug="hostile"
    )
    market.tick({tao: 150}, hours=24)
    client.force_login(alice)

    for html in pages_in(client, rule, "fr"):
        assert "%(level)s {0} &lt;script&gt;alert(1)&lt;/script&gt;\u202f: 1 membre" in html
        assert "<script>alert(1)" not in html


def test_the_alerts_pages_and_the_api_read_firings_in_the_same_queries_for_3_and_15(
    client, api_client, alice, btc
):
    rule = alert_create(
        owner=alice, condition="crossing_down", value=60_000, target="token", symbol="BTC"
    )
    params = firing_params(
        condition="crossing_down", subject="BTC", subject_fr="", level=60_000, value=59_850
    )
    client.force_login(alice)
    api_client.force_authenticate(alice)
    pages_in(client, rule, "fr")  # the first visit makes the webhook settings row
    counts = []
    made = 0
    for n in (3, 15):
        AlertFiring.objects.bulk_create(
            firing(rule, text=ENGLISH, params=params, hours=made + i) for i in range(n - made)
        )
        made = n
        with CaptureQueriesContext(connection) as pages:
            for html in pages_in(client, rule, "fr"):
                assert html.count(FRENCH) == n
        with CaptureQueriesContext(connection) as api:
            assert api_texts(api_client, rule, "fr") == [FRENCH] * n
        counts.append((len(pages), len(api)))
    assert counts[0] == counts[1]
