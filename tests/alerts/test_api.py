"""The alerts and notifications API: CRUD, firings, read marks, bad input, ownership."""

from __future__ import annotations

import pytest

from alerts.models import AlertRule
from alerts.services import alert_create
from notifications.models import Notification
from notifications.services import notification_create

pytestmark = pytest.mark.django_db

BTC_60K = {"condition": "crossing_down", "value": 60000, "target": "token", "symbol": "btc"}


@pytest.fixture
def rule(alice, btc):
    return alert_create(
        owner=alice, condition="crossing_down", value=60_000, target="token", symbol="BTC"
    )


def test_create_read_update_and_delete_an_alert(api_client, alice, btc):
    api_client.force_authenticate(alice)
    created = api_client.post("/api/v1/alerts/", BTC_60K, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["symbol"] == "BTC" and body["frequency"] == "once"
    assert body["cooldown_seconds"] == 21600
    url = f"/api/v1/alerts/{body['id']}/"
    assert api_client.get("/api/v1/alerts/").json()["count"] == 1
    patched = api_client.patch(url, {"value": 58000, "is_active": False}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["value"], patched.json()["is_active"]) == (58000, False)
    assert api_client.delete(url).status_code == 204
    assert not AlertRule.objects.exists()


def test_an_alert_created_with_is_active_false_is_paused(api_client, alice, btc):
    api_client.force_authenticate(alice)
    created = api_client.post("/api/v1/alerts/", {**BTC_60K, "is_active": False}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["is_active"] is False
    assert AlertRule.objects.get(owner=alice).is_active is False


def test_the_firings_of_an_alert(api_client, alice, market, btc):
    market.tick({btc: 61_000})
    rule = alert_create(owner=alice, **{**BTC_60K, "symbol": "BTC"})
    market.tick({btc: 59_850})
    api_client.force_authenticate(alice)
    firings = api_client.get(f"/api/v1/alerts/{rule.pk}/firings/").json()["results"]
    assert [f["text"] for f in firings] == ["BTC crossed down $60,000.00 at $59,850.00"]


def test_a_firing_url_is_absolute_so_an_api_client_can_follow_it(api_client, alice, market, btc):
    """Stored as the site path /tokens/BTC/ (what the alerts page links); an API client has
    no page to resolve it against."""
    market.tick({btc: 61_000})
    rule = alert_create(owner=alice, **{**BTC_60K, "symbol": "BTC"})
    market.tick({btc: 59_850})
    api_client.force_authenticate(alice)

    firings = api_client.get(f"/api/v1/alerts/{rule.pk}/firings/", HTTP_HOST="localhost:8000")

    assert [f["url"] for f in firings.json()["results"]] == ["http://localhost:8000/tokens/BTC/"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BTC_60K, "colour": "red"}, "colour"),
        ({**BTC_60K, "symbol": "XYZ"}, "symbol"),
        ({**BTC_60K, "value": -1}, "value"),
        ({**BTC_60K, "condition": "change_24h_below", "value": -1.5}, "value"),
        ({**BTC_60K, "condition": "volume_spike", "value": 0.5}, "value"),
        ({**BTC_60K, "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({**BTC_60K, "webhook_url": "http://example.org/x"}, "webhook_url"),
        ({**BTC_60K, "webhook_url": "https://10.0.0.1/x"}, "webhook_url"),
        ({**BTC_60K, "webhook_url": "https://2130706433/x"}, "webhook_url"),
        ({**BTC_60K, "webhook_url": "https://0x7f000001/x"}, "webhook_url"),
        ({**BTC_60K, "webhook_url": "https://127.1/x"}, "webhook_url"),
        ({**BTC_60K, "webhook_url": "https://0177.0.0.1/x"}, "webhook_url"),
        ({**BTC_60K, "webhook_url": "https://exa mple.org/x"}, "webhook_url"),
        ({**BTC_60K, "target": "list", "list_slug": "nope"}, "list_slug"),
        ({**BTC_60K, "target": "watchlist", "watchlist_id": 999}, "watchlist_id"),
        ({**BTC_60K, "condition": "sideways"}, "condition"),
        ({**BTC_60K, "cooldown_seconds": -1}, "cooldown_seconds"),
        ({**BTC_60K, "value": True}, "value"),
        ({**BTC_60K, "condition": "volume_spike", "value": True}, "value"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(api_client, alice, btc, body, field):
    api_client.force_authenticate(alice)
    response = api_client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not AlertRule.objects.exists()


def test_a_numeric_webhook_host_is_refused_in_french_for_a_french_client(api_client, alice, btc):
    api_client.force_authenticate(alice)
    api_client.credentials(HTTP_ACCEPT_LANGUAGE="fr")
    body = {**BTC_60K, "webhook_url": "https://0x7f000001/x"}
    response = api_client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 400
    assert "quatre nombres décimaux" in str(response.json()["errors"]["webhook_url"])


@pytest.fixture
def ai(db):
    from tests.factories import TokenListFactory

    return TokenListFactory(slug="ai", name="AI", is_public=True)


def test_a_boolean_value_is_a_400_naming_it_not_a_level_of_1(api_client, alice, btc):
    api_client.force_authenticate(alice)
    body = {**BTC_60K, "condition": "volume_spike", "value": True}
    response = api_client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"value": ["A valid number is required."]}


@pytest.mark.parametrize("typed", ["1_50", "\u0661\u0665\u0660"])
def test_a_value_with_an_underscore_or_non_ascii_digits_is_a_400(api_client, alice, btc, typed):
    api_client.force_authenticate(alice)
    body = {**BTC_60K, "condition": "less_than", "value": typed}
    response = api_client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"value": ["A valid number is required."]}


def test_an_alert_without_a_symbol_asks_for_one(api_client, alice, btc):
    api_client.force_authenticate(alice)
    body = {k: v for k, v in BTC_60K.items() if k != "symbol"}
    response = api_client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"symbol": ["Enter a token symbol."]}


def test_a_symbol_patched_on_a_list_alert_is_a_400_naming_it(api_client, alice, btc, ai):
    rule = alert_create(
        owner=alice, condition="drawdown_7d_below", value=-0.2, target="list", list_slug="ai"
    )
    api_client.force_authenticate(alice)
    url = f"/api/v1/alerts/{rule.pk}/"
    response = api_client.patch(url, {"symbol": "BTC"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"symbol": ["A token symbol is only for target token."]}
    rule.refresh_from_db()
    assert (rule.target, rule.token_list, rule.token) == ("list", ai, None)
    switched = api_client.patch(url, {"target": "token", "symbol": "BTC"}, format="json")
    assert switched.status_code == 200, switched.json()
    assert (switched.json()["symbol"], switched.json()["list_slug"]) == ("BTC", None)


def test_a_symbol_sent_with_a_list_target_is_a_400_naming_it(api_client, alice, btc, ai):
    api_client.force_authenticate(alice)
    body = {**BTC_60K, "condition": "drawdown_7d_below", "value": -0.2}
    response = api_client.post(
        "/api/v1/alerts/", {**body, "target": "list", "list_slug": "ai"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["symbol"]
    assert not AlertRule.objects.exists()


def test_list_slugs_match_exactly_as_everywhere_else(api_client, alice, ai):
    api_client.force_authenticate(alice)
    body = {"condition": "list_cap_change_24h_below", "value": -0.1, "target": "list"}
    upper = api_client.post("/api/v1/alerts/", {**body, "list_slug": "AI"}, format="json")
    assert upper.status_code == 400
    assert upper.json()["errors"] == {"list_slug": ["Unknown list 'AI'."]}
    assert api_client.get("/api/v1/tokens/", {"list": "AI"}).status_code == 400
    exact = api_client.post("/api/v1/alerts/", {**body, "list_slug": "ai"}, format="json")
    assert exact.status_code == 201 and exact.json()["list_slug"] == "ai"


def test_an_unknown_field_in_a_patch_is_a_400(api_client, alice, rule):
    api_client.force_authenticate(alice)
    response = api_client.patch(f"/api/v1/alerts/{rule.pk}/", {"owner": 2}, format="json")
    assert response.status_code == 400 and "owner" in response.json()["errors"]


@pytest.mark.parametrize("who", ["bob", "staff"])
def test_another_users_alert_and_notification_are_404(api_client, alice, rule, who, request):
    notification = notification_create(user=alice, kind="alert", title="t", url="/")
    api_client.force_authenticate(request.getfixturevalue(who))
    for method, url in [
        ("get", f"/api/v1/alerts/{rule.pk}/"),
        ("patch", f"/api/v1/alerts/{rule.pk}/"),
        ("delete", f"/api/v1/alerts/{rule.pk}/"),
        ("get", f"/api/v1/alerts/{rule.pk}/firings/"),
        ("post", f"/api/v1/notifications/{notification.pk}/read/"),
    ]:
        response = getattr(api_client, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url)
        assert response.json()["detail"]
    assert api_client.get("/api/v1/alerts/").json()["count"] == 0
    assert api_client.get("/api/v1/notifications/").json()["count"] == 0
    assert AlertRule.objects.filter(pk=rule.pk).exists()


def test_anonymous_requests_are_401(api_client, rule):
    assert api_client.get("/api/v1/alerts/").status_code == 401
    assert api_client.get("/api/v1/notifications/").status_code == 401


def test_notifications_list_mark_one_and_all_read(api_client, alice):
    first, *_ = (
        notification_create(user=alice, kind="alert", title=f"n{i}", url="/") for i in range(3)
    )
    api_client.force_authenticate(alice)
    listed = api_client.get("/api/v1/notifications/").json()
    assert [n["title"] for n in listed["results"]] == ["n2", "n1", "n0"]
    one = api_client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert one.status_code == 200 and one.json()["read_at"]
    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_alert_list_costs_the_same_queries_for_5_and_50(api_client, alice, btc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api_client.force_authenticate(alice)
    counts = []
    for n in (5, 45):
        AlertRule.objects.bulk_create(
            [
                AlertRule(
                    owner=alice,
                    condition="less_than",
                    value=1,
                    target="token",
                    token=btc,
                    created_at="2026-01-01T00:00Z",
                )
                for _ in range(n)
            ]
        )
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get("/api/v1/alerts/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_an_alert_on_a_token_staff_deactivated_can_still_be_paused_and_changed(
    api_client, alice, btc, rule
):
    btc.is_active = False
    btc.save(update_fields=["is_active"])
    api_client.force_authenticate(alice)
    url = f"/api/v1/alerts/{rule.pk}/"
    paused = api_client.patch(url, {"is_active": False}, format="json")
    assert paused.status_code == 200, paused.json()
    assert paused.json()["is_active"] is False
    changed = api_client.patch(url, {"cooldown_seconds": 60}, format="json")
    assert changed.status_code == 200, changed.json()
    rule.refresh_from_db()
    assert (rule.is_active, rule.cooldown_seconds, rule.token) == (False, 60, btc)
    # Naming the subject again still needs a token one can watch.
    again = api_client.patch(url, {"symbol": "BTC"}, format="json")
    assert again.status_code == 400 and "symbol" in again.json()["errors"]


def test_an_expired_alert_can_still_be_paused_or_changed_without_naming_its_expiry(
    api_client, alice, rule
):
    from datetime import timedelta

    from django.utils import timezone

    expired = timezone.now() - timedelta(days=1)
    AlertRule.objects.filter(pk=rule.pk).update(expires_at=expired)
    api_client.force_authenticate(alice)
    url = f"/api/v1/alerts/{rule.pk}/"
    paused = api_client.patch(url, {"is_active": False}, format="json")
    assert paused.status_code == 200, paused.json()
    assert paused.json()["is_expired"] is True
    rule.refresh_from_db()
    assert (rule.is_active, rule.expires_at) == (False, expired)
    # Giving a past expiry is still refused.
    refused = api_client.patch(url, {"expires_at": expired.isoformat()}, format="json")
    assert refused.status_code == 400 and "expires_at" in refused.json()["errors"]


@pytest.mark.parametrize("typed", ["\u0131cp", "\u017fol"])  # dotless i, long s
def test_a_non_ascii_look_alike_of_a_symbol_is_unknown_as_its_token_page_is(
    api_client, alice, typed
):
    from tests.factories import TokenFactory

    TokenFactory(symbol="ICP"), TokenFactory(symbol="SOL")
    api_client.force_authenticate(alice)
    assert api_client.get(f"/tokens/{typed}/").status_code == 404
    response = api_client.post("/api/v1/alerts/", {**BTC_60K, "symbol": typed}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"symbol": [f"Unknown token symbol '{typed}'."]}
    assert not AlertRule.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "limit"),
    [("symbol", "A" * 100_000, 20), ("list_slug", "a" * 100_000, 50)],
)
def test_a_huge_symbol_or_list_slug_is_a_short_400_not_repeated_in_full(
    api_client, alice, ai, field, typed, limit
):
    api_client.force_authenticate(alice)
    body = {**BTC_60K, field: typed}
    if field == "list_slug":
        body = {**body, "condition": "list_cap_change_24h_below", "value": -0.1, "target": "list"}
        del body["symbol"]
    response = api_client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        field: [f"Ensure this field has no more than {limit} characters."]
    }
    assert len(response.content) < 500
    assert not AlertRule.objects.exists()


def test_an_expiry_without_a_time_zone_is_a_400_as_the_markets_at_parameter(api_client, alice, btc):
    api_client.force_authenticate(alice)
    naive = {**BTC_60K, "expires_at": "2030-01-01T00:00:00"}
    response = api_client.post("/api/v1/alerts/", naive, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "expires_at": ["Give a time zone: end the time with Z or an offset such as +01:00."]
    }
    assert api_client.get("/api/v1/tokens/", {"at": "2030-01-01T00:00:00"}).status_code == 400
    assert not AlertRule.objects.exists()
    paris = {**BTC_60K, "expires_at": "2030-01-01T00:00:00+01:00"}
    created = api_client.post("/api/v1/alerts/", paris, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["expires_at"] == "2029-12-31T23:00:00Z"
    url = f"/api/v1/alerts/{created.json()['id']}/"
    patched = api_client.patch(url, {"expires_at": "2031-01-01T00:00"}, format="json")
    assert patched.status_code == 400 and list(patched.json()["errors"]) == ["expires_at"]


def test_an_expiry_ending_in_a_lower_case_z_is_utc_as_in_rfc_3339(api_client, alice, btc):
    api_client.force_authenticate(alice)

    created = api_client.post(
        "/api/v1/alerts/", {**BTC_60K, "expires_at": "2030-01-01T00:00:00z"}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert created.json()["expires_at"] == "2030-01-01T00:00:00Z"


def test_an_expiry_without_a_time_zone_is_refused_in_french_too(api_client, alice, btc):
    api_client.force_authenticate(alice)
    naive = {**BTC_60K, "expires_at": "2030-01-01T00:00:00"}
    response = api_client.post("/api/v1/alerts/", naive, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["errors"]["expires_at"][0].startswith("Précisez le fuseau horaire")


def test_the_alert_schema_requires_every_field_an_alert_always_has(openapi, api_client, rule):
    """symbol and list_slug (null when the target is another kind) are in every answer, but
    the schema left them out of required; created_at moves when a change re-arms the rule."""
    schema = openapi["components"]["schemas"]["Alert"]
    api_client.force_authenticate(rule.owner)

    body = api_client.get(f"/api/v1/alerts/{rule.pk}/").json()

    assert sorted(schema["required"]) == sorted(body) == sorted(schema["properties"])
    assert "condition, level or target" in schema["properties"]["created_at"]["description"]


def test_every_bad_field_is_named_in_one_400_not_only_the_first(api_client, alice, btc):
    api_client.force_authenticate(alice)
    body = {
        **BTC_60K, "value": -1, "symbol": "XYZ",
        "expires_at": "2001-01-01T00:00:00Z", "webhook_url": "http://example.org/x",
    }  # fmt: skip
    response = api_client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"value", "symbol", "expires_at", "webhook_url"}
    assert not AlertRule.objects.exists()


def test_an_unknown_condition_is_named_alone_since_the_value_depends_on_it(api_client, alice, btc):
    api_client.force_authenticate(alice)
    body = {**BTC_60K, "condition": "sideways", "value": -1, "frequency": "hourly"}
    response = api_client.post("/api/v1/alerts/", body, format="json")
    assert set(response.json()["errors"]) == {"condition", "frequency"}


def test_resuming_a_paused_once_alert_that_had_ended_makes_it_live_again(api_client, alice, rule):
    """The page's Resume does; ``is_active: true`` answered "is_active": true with the alert
    still ended, so it never fired again."""
    AlertRule.objects.filter(pk=rule.pk).update(ended_at=rule.created_at, is_active=False)
    api_client.force_authenticate(alice)
    resumed = api_client.patch(f"/api/v1/alerts/{rule.pk}/", {"is_active": True}, format="json")
    assert resumed.status_code == 200
    assert (resumed.json()["is_active"], resumed.json()["ended_at"]) == (True, None)


def test_is_active_true_makes_a_once_alert_that_fired_live_again_as_the_pages_resume(
    api_client, alice, rule
):
    """A once-alert that fired is active and ended; the page shows Resume for it, and its
    Resume revives it: the API's is_active: true left it ended."""
    AlertRule.objects.filter(pk=rule.pk).update(ended_at=rule.created_at, is_active=True)
    api_client.force_authenticate(alice)
    resumed = api_client.patch(f"/api/v1/alerts/{rule.pk}/", {"is_active": True}, format="json")
    assert resumed.status_code == 200
    assert (resumed.json()["is_active"], resumed.json()["ended_at"]) == (True, None)
