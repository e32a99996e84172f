from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from celery.result import EagerResult
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from kombu.exceptions import OperationalError

from curation.models import CurationChange
from markets.models import (
    ListMetrics,
    RefreshRun,
    Snapshot,
    Token,
    TokenList,
    TokenListMembership,
    TokenMetrics,
)
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
TOKEN_CHANGELIST = reverse("admin:markets_token_changelist")
LIST_CHANGELIST = reverse("admin:markets_tokenlist_changelist")
SNAPSHOT_CHANGELIST = reverse("admin:markets_snapshot_changelist")
RUN_CHANGELIST = reverse("admin:markets_refreshrun_changelist")


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def run_action(client, url, action, objs):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objs]}, follow=True
    )


def make_metrics(token: Token, price: float = 1.0) -> TokenMetrics:
    return TokenMetrics.objects.create(
        token=token,
        as_of=NOW,
        price_usd=price,
        ath_usd=price * 2,
        ath_at=NOW - timedelta(days=30),
        drawdown_from_ath=-0.5,
        high_7d_usd=price,
        low_7d_usd=price,
        high_30d_usd=price,
        low_30d_usd=price,
        drawdown_7d=0.0,
        drawdown_30d=0.0,
        max_drawdown_30d=0.0,
        max_drawdown_90d=0.0,
        computed_at=NOW,
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def staff_client(client, django_user_model):
    """A staff user who is not a superuser, with the permissions a curator gets."""
    user = django_user_model.objects.create_user("curator", password="pw", is_staff=True)
    codenames = [
        "view_token",
        "change_token",
        "view_tokenlist",
        "change_tokenlist",
        "add_tokenlistmembership",
        "change_tokenlistmembership",
        "delete_tokenlistmembership",
        "view_tokenlistmembership",
        "view_snapshot",
        "add_snapshot",
        "change_snapshot",
        "delete_snapshot",
        "view_refreshrun",
        "delete_refreshrun",
    ]
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="markets", codename__in=codenames)
    )
    client.force_login(user)
    return client


# --- Tokens ---------------------------------------------------------------------------------


def test_token_search_finds_a_token_by_name(admin_client, tao, btc):
    response = admin_client.get(TOKEN_CHANGELIST, {"q": "bittens"})

    assert list(response.context["cl"].result_list) == [tao]


def test_token_search_finds_a_token_by_coingecko_id(admin_client, tao, btc):
    response = admin_client.get(TOKEN_CHANGELIST, {"q": "bitcoin"})

    assert list(response.context["cl"].result_list) == [btc]


def test_token_changelist_shows_the_latest_price_from_metrics(admin_client, tao, btc):
    make_metrics(tao, price=321.5)

    response = admin_client.get(TOKEN_CHANGELIST)

    assert response.status_code == 200
    assert "321.5" in response.content.decode()


def test_activate_and_deactivate_actions_update_the_selected_tokens(admin_client, tao, btc):
    other = TokenFactory(symbol="FET")

    response = run_action(admin_client, TOKEN_CHANGELIST, "deactivate", [tao, btc])

    assert ("success", "2 tokens deactivated.") in messages_of(response)
    assert set(Token.objects.filter(is_active=False).values_list("symbol", flat=True)) == {
        "TAO",
        "BTC",
    }
    other.refresh_from_db()
    assert other.is_active

    response = run_action(admin_client, TOKEN_CHANGELIST, "activate", [tao])

    assert ("success", "1 token activated.") in messages_of(response)
    tao.refresh_from_db()
    assert tao.is_active


def test_benchmark_actions_mark_and_unmark_the_selected_tokens(admin_client, tao, btc):
    run_action(admin_client, TOKEN_CHANGELIST, "mark_benchmark", [tao])
    run_action(admin_client, TOKEN_CHANGELIST, "unmark_benchmark", [btc])

    tao.refresh_from_db()
    btc.refresh_from_db()
    assert tao.is_benchmark
    assert not btc.is_benchmark


def test_a_staff_curator_can_deactivate_tokens(staff_client, tao):
    response = run_action(staff_client, TOKEN_CHANGELIST, "deactivate", [tao])

    assert response.status_code == 200
    tao.refresh_from_db()
    assert not tao.is_active


def test_refresh_action_queues_one_task_and_reports_its_id(admin_client, tao, btc):
    with mock.patch("markets.tasks.refresh_prices.delay") as delay:
        delay.return_value = mock.Mock(id="task-123")
        response = run_action(admin_client, TOKEN_CHANGELIST, "refresh_prices_now", [tao, btc])

    delay.assert_called_once_with()
    assert ("success", "Refresh queued (task id task-123).") in messages_of(response)


def test_refresh_action_reports_what_an_eager_task_returned(admin_client, tao):
    result = EagerResult("task-9", {"run": 7, "status": "ok", "stored": 3}, "SUCCESS")
    with mock.patch("markets.tasks.refresh_prices.delay", return_value=result):
        response = run_action(admin_client, TOKEN_CHANGELIST, "refresh_prices_now", [tao])

    [(level, text)] = messages_of(response)
    assert level == "success"
    assert text.startswith("Refresh queued (task id task-9) and ran:")
    assert "'stored': 3" in text


def test_refresh_action_reports_an_eager_task_failure_as_an_error(admin_client, tao):
    result = EagerResult("task-9", RuntimeError("provider down"), "FAILURE")
    with mock.patch("markets.tasks.refresh_prices.delay", return_value=result):
        response = run_action(admin_client, TOKEN_CHANGELIST, "refresh_prices_now", [tao])

    [(level, text)] = messages_of(response)
    assert level == "error"
    assert "provider down" in text


def test_backfill_action_queues_one_90_day_task_per_selected_token(admin_client, tao, btc):
    TokenFactory(symbol="FET")
    with mock.patch("markets.tasks.backfill_token.delay") as delay:
        response = run_action(admin_client, TOKEN_CHANGELIST, "backfill_90_days", [tao, btc])

    assert sorted(delay.call_args_list) == [mock.call("BTC", 90), mock.call("TAO", 90)]
    assert ("success", "Backfill of 90 days queued for BTC, TAO.") in messages_of(response)


def test_a_broker_error_on_refresh_gives_an_error_message_not_a_500(admin_client, tao):
    with mock.patch(
        "markets.tasks.refresh_prices.delay", side_effect=OperationalError("Connection refused")
    ):
        response = run_action(admin_client, TOKEN_CHANGELIST, "refresh_prices_now", [tao])

    assert response.status_code == 200
    [(level, text)] = messages_of(response)
    assert level == "error"
    assert "Connection refused" in text


def test_a_broker_error_on_backfill_gives_an_error_message_not_a_500(admin_client, tao, btc):
    with mock.patch("markets.tasks.backfill_token.delay", side_effect=RuntimeError("broker gone")):
        response = run_action(admin_client, TOKEN_CHANGELIST, "backfill_90_days", [tao, btc])

    assert response.status_code == 200
    [(level, text)] = messages_of(response)
    assert level == "error"
    assert "BTC, TAO" in text
    assert "broker gone" in text


def test_token_changelist_query_count_does_not_grow_with_rows(admin_client):
    def add_tokens(start, stop):
        for i in range(start, stop):
            make_metrics(TokenFactory(symbol=f"T{i}"), price=i + 1)

    add_tokens(0, 5)
    few = count_queries(admin_client, TOKEN_CHANGELIST)
    add_tokens(5, 50)
    many = count_queries(admin_client, TOKEN_CHANGELIST)

    assert many == few


# --- Lists ----------------------------------------------------------------------------------


def list_form_data(token_list: TokenList, members: list[dict], initial: int, **overrides):
    """POST data of the list change form with its membership inline formset."""
    data = {
        "name": token_list.name,
        "slug": token_list.slug,
        "description": token_list.description,
        "is_public": "on",
        "memberships-TOTAL_FORMS": str(len(members)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    if token_list.is_featured:
        data["is_featured"] = "on"
    for i, member in enumerate(members):
        data[f"memberships-{i}-id"] = member.get("id", "")
        data[f"memberships-{i}-token_list"] = str(token_list.pk)
        data[f"memberships-{i}-token"] = str(member.get("token", ""))
        data[f"memberships-{i}-position"] = str(member.get("position", 0))
        if member.get("delete"):
            data[f"memberships-{i}-DELETE"] = "on"
    data.update(overrides)
    return data


def members_of(token_list: TokenList) -> list[str]:
    return list(
        TokenListMembership.objects.filter(token_list=token_list)
        .order_by("position")
        .values_list("token__symbol", flat=True)
    )


def test_list_change_form_adds_removes_and_orders_members(admin_client, tao, btc):
    fet = TokenFactory(symbol="FET")
    ai_list = TokenListFactory(slug="ai", name="AI")
    tao_member = MembershipFactory(token_list=ai_list, token=tao, position=0)
    btc_member = MembershipFactory(token_list=ai_list, token=btc, position=1)
    url = reverse("admin:markets_tokenlist_change", args=[ai_list.pk])

    data = list_form_data(
        ai_list,
        [
            {"id": tao_member.pk, "token": tao.pk, "position": 5},
            {"id": btc_member.pk, "token": btc.pk, "position": 1, "delete": True},
            {"token": fet.pk, "position": 2},
        ],
        initial=2,
    )
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert members_of(ai_list) == ["FET", "TAO"]


def test_list_change_form_refuses_the_same_token_twice(admin_client, tao):
    ai_list = TokenListFactory(slug="ai", name="AI")
    url = reverse("admin:markets_tokenlist_change", args=[ai_list.pk])

    data = list_form_data(
        ai_list, [{"token": tao.pk, "position": 0}, {"token": tao.pk, "position": 1}], initial=0
    )
    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert members_of(ai_list) == []


def test_list_changelist_counts_members(admin_client, tao, btc):
    ai_list = TokenListFactory(slug="ai", name="AI")
    TokenListFactory(slug="empty", name="Empty")
    MembershipFactory(token_list=ai_list, token=tao)
    MembershipFactory(token_list=ai_list, token=btc)

    response = admin_client.get(LIST_CHANGELIST)

    counts = {tl.slug: tl.members_total for tl in response.context["cl"].result_list}
    assert counts == {"ai": 2, "empty": 0}


def test_saving_a_second_featured_list_gives_a_form_error(admin_client):
    TokenListFactory(slug="ai", name="AI", is_featured=True)
    other = TokenListFactory(slug="defi", name="DeFi")
    url = reverse("admin:markets_tokenlist_change", args=[other.pk])

    response = admin_client.post(url, list_form_data(other, [], initial=0, is_featured="on"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "“AI” is already the featured list" in errors["is_featured"][0]
    other.refresh_from_db()
    assert not other.is_featured


def test_adding_a_featured_list_when_one_exists_gives_a_form_error(admin_client):
    TokenListFactory(slug="ai", name="AI", is_featured=True)
    data = list_form_data(TokenList(name="DeFi", slug="defi"), [], initial=0, is_featured="on")
    data = {k: v for k, v in data.items() if not k.startswith("memberships-0")}

    response = admin_client.post(reverse("admin:markets_tokenlist_add"), data)

    assert response.status_code == 200
    assert "is_featured" in response.context["adminform"].form.errors
    assert not TokenList.objects.filter(slug="defi").exists()


def test_resaving_the_featured_list_is_fine(admin_client):
    featured = TokenListFactory(slug="ai", name="AI", is_featured=True)
    url = reverse("admin:markets_tokenlist_change", args=[featured.pk])

    response = admin_client.post(url, list_form_data(featured, [], initial=0, name="AI tokens"))

    assert response.status_code == 302
    featured.refresh_from_db()
    assert featured.is_featured
    assert featured.name == "AI tokens"


def test_feature_action_switches_the_featured_list(admin_client):
    old = TokenListFactory(slug="ai", name="AI", is_featured=True)
    new = TokenListFactory(slug="defi", name="DeFi")

    response = run_action(admin_client, LIST_CHANGELIST, "feature_list", [new])

    assert ("success", "“DeFi” is now the featured list.") in messages_of(response)
    old.refresh_from_db()
    new.refresh_from_db()
    assert new.is_featured
    assert not old.is_featured


def test_feature_action_needs_exactly_one_selected_list(admin_client):
    old = TokenListFactory(slug="ai", name="AI", is_featured=True)
    a = TokenListFactory(slug="defi", name="DeFi")
    b = TokenListFactory(slug="memes", name="Memes")

    response = run_action(admin_client, LIST_CHANGELIST, "feature_list", [a, b])

    assert ("error", "Select exactly one list to feature.") in messages_of(response)
    assert list(TokenList.objects.filter(is_featured=True)) == [old]


def test_adding_a_member_in_the_list_form_recomputes_the_lists_metrics(
    admin_client, tao, btc, django_capture_on_commit_callbacks
):
    ai = TokenListFactory(slug="ai", is_public=True)
    MembershipFactory(token_list=ai, token=tao, position=0)
    at = 1_770_379_200
    snapshot_ingest(
        quotes=[Quote(tao.pk, at, 10.0, 100.0), Quote(btc.pk, at, 60_000.0, 1_000.0)], source="t"
    )
    metrics_recompute()
    first = ai.memberships.get()
    members = [{"id": first.pk, "token": tao.pk, "position": 0}, {"token": btc.pk, "position": 1}]
    url = reverse("admin:markets_tokenlist_change", args=[ai.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, list_form_data(ai, members, initial=1))

    assert response.status_code == 302
    metrics = ListMetrics.objects.get(token_list=ai)
    assert (metrics.members_count, metrics.total_market_cap_usd) == (2, 1_100.0)


def test_removing_every_member_in_the_list_form_resets_the_lists_metrics(
    admin_client, tao, django_capture_on_commit_callbacks
):
    ai = TokenListFactory(slug="ai", is_public=True)
    member = MembershipFactory(token_list=ai, token=tao, position=0)
    snapshot_ingest(quotes=[Quote(tao.pk, 1_770_379_200, 10.0, 100.0)], source="t")
    metrics_recompute()
    members = [{"id": member.pk, "token": tao.pk, "position": 0, "delete": True}]
    url = reverse("admin:markets_tokenlist_change", args=[ai.pk])

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, list_form_data(ai, members, initial=1))

    metrics = ListMetrics.objects.get(token_list=ai)
    assert (metrics.members_count, metrics.total_market_cap_usd) == (0, None)


def test_feature_action_publishes_an_unpublished_list_as_curate_does(admin_client, client):
    old = TokenListFactory(slug="ai", name="AI", is_featured=True)
    hidden = TokenListFactory(slug="defi", name="DeFi", is_public=False)

    response = run_action(admin_client, LIST_CHANGELIST, "feature_list", [hidden])

    assert ("success", "“DeFi” is now the featured list.") in messages_of(response)
    hidden.refresh_from_db()
    old.refresh_from_db()
    assert (hidden.is_featured, hidden.is_public, old.is_featured) == (True, True, False)
    assert CurationChange.objects.get().action == CurationChange.Action.LIST_FEATURED
    assert "No token list is featured" not in client.get("/").content.decode()
    assert client.get("/lists/defi/").status_code == 200


def test_the_featured_list_cannot_be_unpublished_in_its_form(admin_client, client):
    featured = TokenListFactory(slug="ai", name="AI", is_featured=True)
    url = reverse("admin:markets_tokenlist_change", args=[featured.pk])
    data = list_form_data(featured, [], initial=0)
    del data["is_public"]  # unticked

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "must stay public" in errors["is_public"][0]
    featured.refresh_from_db()
    assert featured.is_public and featured.is_featured
    assert client.get("/lists/ai/").status_code == 200


def test_the_database_refuses_a_featured_list_that_is_not_public():
    with pytest.raises(IntegrityError), transaction.atomic():
        TokenList.objects.create(slug="ai", name="AI", is_featured=True, is_public=False)
    assert not TokenList.objects.exists()


@pytest.fixture
def priced_list(tao, btc):
    """A public list of TAO and BTC, both with snapshots, token and list metrics."""
    ai = TokenListFactory(slug="ai", is_public=True)
    MembershipFactory(token_list=ai, token=tao, position=0)
    MembershipFactory(token_list=ai, token=btc, position=1)
    at = 1_770_379_200
    snapshot_ingest(
        quotes=[Quote(tao.pk, at, 10.0, 100.0), Quote(btc.pk, at, 60_000.0, 1_000.0)], source="t"
    )
    metrics_recompute()
    assert ListMetrics.objects.get(token_list=ai).members_count == 2
    return ai


def test_a_token_with_history_and_metrics_can_be_deleted_and_its_lists_follow(
    admin_client, priced_list, tao, django_capture_on_commit_callbacks
):
    url = reverse("admin:markets_token_delete", args=[tao.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and not page.context["perms_lacking"]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Token.objects.filter(symbol="TAO").exists()
    assert not Snapshot.objects.filter(token_id=tao.pk).exists()
    assert not TokenMetrics.objects.filter(token_id=tao.pk).exists()
    metrics = ListMetrics.objects.get(token_list=priced_list)
    assert (metrics.members_count, metrics.total_market_cap_usd) == (1, 1_000.0)


def test_tokens_with_metrics_can_be_deleted_with_the_delete_action(
    admin_client, priced_list, tao, btc, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data = {"action": "delete_selected", "_selected_action": [tao.pk, btc.pk], "post": "yes"}
        admin_client.post(TOKEN_CHANGELIST, data)
    assert not Token.objects.exists() and not Snapshot.objects.exists()
    metrics = ListMetrics.objects.get(token_list=priced_list)
    assert (metrics.members_count, metrics.total_market_cap_usd) == (0, None)


def test_a_list_with_metrics_can_be_deleted(admin_client, priced_list):
    url = reverse("admin:markets_tokenlist_delete", args=[priced_list.pk])
    assert not admin_client.get(url).context["perms_lacking"]
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not TokenList.objects.exists() and not ListMetrics.objects.exists()
    assert Token.objects.count() == 2  # the members stay


def test_a_token_in_a_watchlist_is_not_deleted_and_the_page_says_why(admin_client, tao, alice):
    from watchlists import services as watchlists

    watchlists.watchlist_add_token(
        watchlist=watchlists.watchlist_create(owner=alice, name="Bags"), symbol="TAO"
    )
    url = reverse("admin:markets_token_delete", args=[tao.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in (
        page.content.decode()
    )
    admin_client.post(url, {"post": "yes"})
    assert Token.objects.filter(pk=tao.pk).exists()


# --- Data browsers --------------------------------------------------------------------------


def add_snapshots(count: int, start: int = 0) -> None:
    tokens = [TokenFactory(symbol=f"S{i}") for i in range(start, start + count)]
    Snapshot.objects.bulk_create(
        Snapshot(
            token=token,
            ts=NOW - timedelta(days=40 * i),
            source="demo" if i % 2 else "coingecko",
            price_usd=1.0 + i,
            market_cap_usd=1e6,
            volume_24h_usd=1e4,
        )
        for i, token in enumerate(tokens, start=start)
    )


def test_snapshot_admin_refuses_add(admin_client):
    response = admin_client.get(reverse("admin:markets_snapshot_add"))

    assert response.status_code == 403


def test_snapshot_admin_refuses_change_and_delete_even_with_permissions(staff_client, tao):
    snapshot = Snapshot.objects.create(token=tao, ts=NOW, source="demo", price_usd=1.0)
    change_url = reverse("admin:markets_snapshot_change", args=[snapshot.pk])

    assert staff_client.get(reverse("admin:markets_snapshot_add")).status_code == 403
    response = staff_client.post(
        change_url, {"token": tao.pk, "ts_0": "2026-01-01", "ts_1": "00:00", "price_usd": "9"}
    )
    assert response.status_code == 403
    delete_url = reverse("admin:markets_snapshot_delete", args=[snapshot.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    snapshot.refresh_from_db()
    assert snapshot.price_usd == 1.0
    # Viewing is still allowed.
    assert staff_client.get(change_url).status_code == 200


def test_snapshot_changelist_query_count_does_not_grow_with_rows(admin_client):
    add_snapshots(5)
    few = count_queries(admin_client, SNAPSHOT_CHANGELIST)
    add_snapshots(45, start=5)
    many = count_queries(admin_client, SNAPSHOT_CHANGELIST)

    assert many == few


def test_snapshot_changelist_filters_by_source(admin_client):
    add_snapshots(4)

    response = admin_client.get(SNAPSHOT_CHANGELIST, {"source": "demo"})

    assert {s.source for s in response.context["cl"].result_list} == {"demo"}


def test_refresh_run_history_lists_runs(admin_client):
    RefreshRun.objects.create(
        provider="coingecko",
        status=RefreshRun.Status.OK,
        started_at=NOW,
        finished_at=NOW + timedelta(seconds=12),
        quotes_stored=40,
    )
    RefreshRun.objects.create(
        provider="demo",
        status=RefreshRun.Status.FAILED,
        started_at=NOW - timedelta(hours=1),
        finished_at=NOW - timedelta(hours=1) + timedelta(seconds=3),
        error="HTTP 429 Too Many Requests " * 10,
    )

    response = admin_client.get(RUN_CHANGELIST)

    assert response.status_code == 200
    runs = list(response.context["cl"].result_list)
    assert [r.provider for r in runs] == ["coingecko", "demo"]
    body = response.content.decode()
    assert "12.0\u00a0s" in body
    assert "HTTP 429 Too Many Requests" in body


def test_refresh_runs_cannot_be_added_or_changed(admin_client):
    run = RefreshRun.objects.create(provider="demo", started_at=NOW)

    assert admin_client.get(reverse("admin:markets_refreshrun_add")).status_code == 403
    change_url = reverse("admin:markets_refreshrun_change", args=[run.pk])
    assert admin_client.post(change_url, {"provider": "x"}).status_code == 403


def test_only_superusers_can_delete_refresh_runs(admin_client, staff_client):
    run = RefreshRun.objects.create(provider="demo", started_at=NOW)
    delete_url = reverse("admin:markets_refreshrun_delete", args=[run.pk])

    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not RefreshRun.objects.exists()


def test_metrics_admins_are_read_only_listings(admin_client, tao):
    make_metrics(tao)

    response = admin_client.get(reverse("admin:markets_tokenmetrics_changelist"))

    assert response.status_code == 200
    assert "TAO" in response.content.decode()
    assert admin_client.get(reverse("admin:markets_tokenmetrics_add")).status_code == 403
    assert admin_client.get(reverse("admin:markets_listmetrics_changelist")).status_code == 200


def test_deactivating_a_token_recomputes_its_lists(
    admin_client, tao, django_capture_on_commit_callbacks
):
    from markets.models import ListMetrics
    from markets.providers.base import Quote
    from markets.services.ingest import snapshot_ingest
    from markets.services.metrics import metrics_recompute
    from tests.factories import MembershipFactory, TokenFactory, TokenListFactory

    near = TokenFactory(symbol="NEAR")
    ai = TokenListFactory(slug="ai")
    MembershipFactory(token_list=ai, token=tao)
    MembershipFactory(token_list=ai, token=near)
    at = 1_770_379_200
    snapshot_ingest(
        quotes=[Quote(tao.id, at, 10.0, 100.0), Quote(near.id, at, 1.0, 50.0)], source="t"
    )
    metrics_recompute()
    with django_capture_on_commit_callbacks(execute=True):  # recomputed once committed
        admin_client.post(
            "/admin/markets/token/",
            {"action": "deactivate", "_selected_action": [near.pk]},
        )
    assert ListMetrics.objects.get(token_list=ai).total_market_cap_usd == 100.0


@pytest.mark.parametrize(
    ("typed", "stored"), [(" Bittensor ", "bittensor"), ("render-token", "render-token"), ("", "")]
)
def test_the_token_form_keeps_a_coingecko_id_as_coingecko_spells_it(db, typed, stored):
    from markets.admin import TokenForm

    form = TokenForm(data={"symbol": "TAO", "name": "Bittensor", "coingecko_id": typed,
                           "asset_class": "crypto", "is_active": True})  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.cleaned_data["coingecko_id"] == stored


@pytest.mark.parametrize("typed", ["bittensor,near", "bit tensor", "bittensor/"])
def test_the_token_form_refuses_what_cannot_be_a_coingecko_id(db, typed):
    """Any text was kept: "bittensor,near" was sent as two ids in the comma-separated list of
    /coins/markets, and the token was never refreshed."""
    from markets.admin import TokenForm

    form = TokenForm(data={"symbol": "TAO", "name": "Bittensor", "coingecko_id": typed,
                           "asset_class": "crypto", "is_active": True})  # fmt: skip
    assert not form.is_valid()
    assert "CoinGecko" in form.errors["coingecko_id"][0]


def test_the_coingecko_id_error_reads_in_french(db):
    from django.utils import translation

    from markets.admin import TokenForm

    with translation.override("fr"):
        form = TokenForm(data={"symbol": "TAO", "name": "Bittensor", "coingecko_id": "a,b",
                               "asset_class": "crypto", "is_active": True})  # fmt: skip
        assert "identifiant de coin CoinGecko\u202f:" in form.errors["coingecko_id"][0]


@pytest.mark.parametrize("bulk", [False, True])
def test_deleting_a_member_token_numbers_its_lists_members_without_a_gap(
    admin_client, tao, btc, bulk
):
    """The list kept positions 0 and 2 once NEAR, at 1, was deleted: the API said ICP was
    at 2 in a list of two (the admin's list form and /curate/ number them 0, 1, 2...)."""
    ai = TokenListFactory(slug="ai")
    near, icp = TokenFactory(symbol="NEAR"), TokenFactory(symbol="ICP")
    for position, token in enumerate([tao, near, icp]):
        MembershipFactory(token_list=ai, token=token, position=position)
    if bulk:
        data = {"action": "delete_selected", "_selected_action": [near.pk], "post": "yes"}
        admin_client.post(TOKEN_CHANGELIST, data)
    else:
        admin_client.post(reverse("admin:markets_token_delete", args=[near.pk]), {"post": "yes"})
    rows = ai.memberships.order_by("position").values_list("token__symbol", "position")
    assert list(rows) == [("TAO", 0), ("ICP", 1)]


@pytest.mark.parametrize(
    ("model", "english", "french"),
    [
        ("PriceHourly", "hourly closes", "clôtures horaires"),
        ("PriceDayCloses", "days of hourly closes", "journées de clôtures horaires"),
        ("SnapshotDaySummary", "snapshot day summaries", "résumés journaliers des relevés"),
        ("SnapshotCompact", "compacted snapshots", "relevés regroupés"),
        ("FearGreedDaily", "daily Fear & Greed values", "valeurs quotidiennes Fear & Greed"),
    ],
)
def test_the_admin_names_derived_tables_in_plain_english_and_french(model, english, french):
    # The token deletion page counted "price hourlys" and "price day closess".
    from django.apps import apps
    from django.utils import translation

    meta = apps.get_model("markets", model)._meta
    with translation.override("en"):
        assert str(meta.verbose_name_plural) == english
    with translation.override("fr"):
        assert str(meta.verbose_name_plural) == french
