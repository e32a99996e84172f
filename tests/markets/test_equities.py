"""AI equities: the curated list, Stooq closes through ingest and metrics, and crypto and
equity refreshes each keeping to their own tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
import respx
import time_machine
from django.core.management import CommandError, call_command, get_commands

from markets.models import RefreshRun, Snapshot, Token, TokenList, TokenMetrics
from markets.providers.base import TransientProviderError
from markets.providers.stooq import BASE_URL, StooqProvider
from markets.services.equities import (
    AI_EQUITIES_SLUG,
    ai_equities_setup,
    equities_backfill,
    equities_refresh,
)
from markets.services.refresh import prices_refresh, token_backfill
from tests.factories import TokenFactory
from tests.markets.stubs import StubProvider

MSFT_CSV = (Path(__file__).parent / "fixtures" / "stooq" / "msft_us_d.csv").read_text()
FEB_6_EVENING = datetime(2026, 2, 6, 23, 0, tzinfo=UTC)


@pytest.fixture
def stooq():
    provider = StooqProvider(max_retries=1, backoff=0, sleep=lambda s: None,
                             today=lambda: date(2026, 2, 6))  # fmt: skip
    with respx.mock() as router:
        yield provider, router.get(BASE_URL)


@pytest.fixture
def msft(db):
    return TokenFactory(symbol="MSFT", coingecko_id="", asset_class="equity",
                        stooq_symbol="msft.us")  # fmt: skip


# --- The curated list ---------------------------------------------------------------------


@pytest.mark.django_db
def test_setup_creates_the_list_and_its_six_equities_in_order():
    token_list = ai_equities_setup()

    members = list(token_list.members.order_by("memberships__position"))
    assert [t.symbol for t in members] == ["MSFT", "NVDA", "AMD", "GOOGL", "AMZN", "META"]
    assert {t.asset_class for t in members} == {"equity"}
    assert members[0].stooq_symbol == "msft.us" and members[3].name_fr == "Alphabet (Google)"
    assert token_list.name_fr == "Actions de l\u2019IA" and token_list.is_public
    assert not token_list.is_featured


@pytest.mark.django_db
def test_setup_twice_changes_nothing_and_keeps_staff_curation():
    token_list = ai_equities_setup()
    token_list.memberships.filter(token__symbol="META").delete()  # staff removed META
    token_list.name = "Big Tech AI"
    token_list.save(update_fields=["name"])

    ai_equities_setup()

    token_list.refresh_from_db()
    assert token_list.name == "Big Tech AI"
    assert token_list.members.count() == 5
    assert Token.objects.filter(asset_class="equity").count() == 6
    assert TokenList.objects.filter(slug=AI_EQUITIES_SLUG).count() == 1


@pytest.mark.django_db
def test_setup_turns_an_existing_token_of_that_symbol_into_an_equity():
    TokenFactory(symbol="NVDA", coingecko_id="")

    ai_equities_setup()

    nvda = Token.objects.get(symbol="NVDA")
    assert (nvda.asset_class, nvda.stooq_symbol) == ("equity", "nvda.us")


@pytest.mark.django_db
def test_the_command_sets_the_list_up():
    call_command("setup_ai_equities")

    assert TokenList.objects.get(slug=AI_EQUITIES_SLUG).members.count() == 6


# --- Closes through ingest and metrics ----------------------------------------------------


@time_machine.travel(FEB_6_EVENING, tick=False)
def test_a_refresh_stores_closes_at_21_utc_and_computes_metrics(msft, stooq):
    provider, route = stooq
    route.mock(return_value=httpx.Response(200, text=MSFT_CSV))

    run = equities_refresh(provider=provider)

    assert (run.provider, run.kind, run.status, run.quotes_stored) == ("stooq", "refresh", "ok", 10)
    snapshots = Snapshot.objects.filter(token=msft, source="stooq").order_by("ts")
    assert {(s.ts.hour, s.ts.minute) for s in snapshots} == {(21, 0)}
    assert {s.ts.weekday() for s in snapshots} <= {0, 1, 2, 3, 4}
    metrics = TokenMetrics.objects.get(token=msft)
    assert metrics.price_usd == 395.06
    assert metrics.market_cap_usd == pytest.approx(395.06 * 7.43e9)  # shares outstanding
    assert metrics.volume_24h_usd == pytest.approx(49_233_018 * 395.06)
    # 7 days before Fri 6 Feb 21:00 is Fri 30 Jan 21:00: the article's five sessions.
    assert metrics.change_7d == pytest.approx(395.06 / 430.29 - 1)
    assert metrics.change_7d == pytest.approx(-0.0819, abs=1e-4)


@time_machine.travel(FEB_6_EVENING, tick=False)
def test_refreshing_twice_stores_each_close_once(msft, stooq):
    provider, route = stooq
    route.mock(return_value=httpx.Response(200, text=MSFT_CSV))

    equities_refresh(provider=provider)
    second = equities_refresh(provider=provider)

    assert second.quotes_stored == 0
    assert Snapshot.objects.filter(token=msft).count() == 10


@time_machine.travel(FEB_6_EVENING, tick=False)
def test_an_equity_staff_added_without_a_share_count_has_no_market_cap(db, stooq):
    ibm = TokenFactory(symbol="IBM", coingecko_id="", asset_class="equity", stooq_symbol="ibm.us")
    provider, route = stooq
    route.mock(return_value=httpx.Response(200, text=MSFT_CSV))
    with time_machine.travel(FEB_6_EVENING, tick=False):
        equities_refresh(provider=provider)

    assert TokenMetrics.objects.get(token=ibm).market_cap_usd is None


@time_machine.travel(FEB_6_EVENING, tick=False)
def test_the_equities_refresh_leaves_crypto_tokens_alone(msft, tao, stooq):
    provider, route = stooq
    route.mock(return_value=httpx.Response(200, text=MSFT_CSV))

    run = equities_refresh(provider=provider)

    assert run.tokens_requested == 1 and route.call_count == 1
    assert not Snapshot.objects.filter(token=tao).exists()


@time_machine.travel(FEB_6_EVENING, tick=False)
def test_the_crypto_refresh_leaves_equities_alone(msft, tao):
    run = prices_refresh(provider=StubProvider())

    assert run.tokens_requested == 1
    assert Snapshot.objects.filter(token=tao).exists()
    assert not Snapshot.objects.filter(token=msft).exists()


def test_the_crypto_fanout_plans_no_equity(msft, tao):
    from markets.services.fanout import refresh_fanout_start
    from markets.services.locks import MARKET_DATA_LOCK, lock_release

    plan = refresh_fanout_start(provider_name="stub")
    lock_release(name=MARKET_DATA_LOCK, owner=plan.owner)

    assert plan.batches == [[tao.pk]]


def test_a_crypto_backfill_of_an_equity_is_refused_with_the_right_command(msft):
    # The message named "backfill_equities", a Celery task: typed as a command, it was
    # "Unknown command". It names the command the README documents, which exists.
    with pytest.raises(ValueError, match="use refresh_equities --backfill MSFT"):
        token_backfill(symbol="MSFT", days=30, provider=StubProvider())
    with pytest.raises(CommandError, match="MSFT is an equity: use refresh_equities --backfill"):
        call_command("backfill", "MSFT", "--days", "30")
    assert "refresh_equities" in get_commands()


@time_machine.travel(FEB_6_EVENING, tick=False)
def test_one_failing_ticker_makes_a_partial_run_and_keeps_the_others(msft, stooq):
    TokenFactory(symbol="NVDA", coingecko_id="", asset_class="equity", stooq_symbol="nvda.us")
    provider, route = stooq
    route.mock(
        side_effect=lambda request: httpx.Response(
            200, text="No data" if request.url.params["s"] == "nvda.us" else MSFT_CSV
        )
    )

    run = equities_refresh(provider=provider)

    assert (run.status, run.quotes_stored) == ("partial", 10)
    assert "NVDA: nvda.us: no data" in run.error


@time_machine.travel(FEB_6_EVENING, tick=False)
def test_a_transient_failure_of_everything_is_recorded_then_raised(msft, stooq):
    provider, route = stooq
    route.mock(return_value=httpx.Response(503))

    with pytest.raises(TransientProviderError):
        equities_refresh(provider=provider)

    run = RefreshRun.objects.get(provider="stooq")
    assert run.status == "failed" and "HTTP 503" in run.error


@time_machine.travel(FEB_6_EVENING, tick=False)
def test_a_backfill_asks_for_the_days_requested_of_the_symbols_given(msft, stooq):
    TokenFactory(symbol="NVDA", coingecko_id="", asset_class="equity", stooq_symbol="nvda.us")
    provider, route = stooq
    route.mock(return_value=httpx.Response(200, text=MSFT_CSV))

    run = equities_backfill(days=365, symbols=["msft"], provider=provider)

    assert (run.kind, run.status, run.tokens_requested) == ("backfill", "ok", 1)
    params = route.calls.last.request.url.params
    assert (params["s"], params["d1"], params["d2"]) == ("msft.us", "20250206", "20260206")


def test_a_refresh_refuses_days_which_only_a_backfill_takes(msft):
    with pytest.raises(CommandError, match="--days is for --backfill"):
        call_command("refresh_equities", "--days", "30")


def test_a_backfill_refuses_a_silly_number_of_days(msft):
    with pytest.raises(ValueError):
        equities_backfill(days=0)
    with pytest.raises(CommandError, match="--days"):
        call_command("refresh_equities", "--backfill", "--days", "0")


@pytest.mark.parametrize(
    ("symbol", "message"),
    [
        ("NOPE", "unknown equity NOPE"),
        ("tao", "TAO is not an equity: use backfill TAO"),
    ],
    ids=["an unknown symbol", "a crypto token"],
)
def test_an_equity_backfill_of_a_symbol_that_is_no_equity_is_refused_naming_it(
    msft, tao, symbol, message
):
    with respx.mock(assert_all_called=False) as router:
        route = router.get(BASE_URL)
        with pytest.raises(ValueError, match=message):
            equities_backfill(days=30, symbols=["MSFT", symbol], provider=StooqProvider())
        with pytest.raises(CommandError, match=message):
            call_command("refresh_equities", "--backfill", "--days", "30", "MSFT", symbol)

    assert not route.called
    assert not RefreshRun.objects.exists()


@time_machine.travel(FEB_6_EVENING, tick=False)
def test_the_command_refreshes_through_stooq(msft, monkeypatch, stooq):
    provider, route = stooq
    route.mock(return_value=httpx.Response(200, text=MSFT_CSV))
    monkeypatch.setattr(StooqProvider, "from_settings", classmethod(lambda cls: provider))

    call_command("refresh_equities")

    assert Snapshot.objects.filter(token=msft, source="stooq").count() == 10


@pytest.mark.django_db
def test_the_periodic_task_stays_offline_with_the_demo_provider(settings, monkeypatch):
    from markets.tasks import refresh_equities

    settings.MARKET_CONTEXT_LIVE = False
    monkeypatch.setattr(StooqProvider, "from_settings", lambda: pytest.fail("network"))

    assert refresh_equities()["status"] == "skipped"


def test_equities_and_fear_greed_are_on_the_beat_schedule(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["refresh-equities"]["task"] == "markets.tasks.refresh_equities"
    assert schedule["refresh-fear-greed"]["task"] == "markets.tasks.refresh_fear_greed"


@pytest.mark.django_db
def test_an_equity_list_member_counts_in_list_metrics(msft, stooq):
    token_list = ai_equities_setup()  # MSFT exists: it joins the list with five others
    provider, route = stooq
    route.mock(return_value=httpx.Response(200, text=MSFT_CSV))
    with time_machine.travel(FEB_6_EVENING, tick=False):
        equities_refresh(provider=provider)

    token_list.refresh_from_db()
    assert token_list.metrics.equal_weight_change_7d == pytest.approx(395.06 / 430.29 - 1)
    shares = 7.43e9 + 24.3e9 + 1.62e9 + 12.1e9 + 10.7e9 + 2.52e9  # the same CSV for all six
    assert token_list.metrics.total_market_cap_usd == pytest.approx(395.06 * shares)


def test_the_admin_backfill_sends_equities_to_stooq_and_crypto_to_its_provider(
    admin_client, msft, tao
):
    from unittest import mock

    from tests.markets.test_admin import TOKEN_CHANGELIST, messages_of, run_action

    with (
        mock.patch("markets.tasks.backfill_token.delay") as crypto,
        mock.patch("markets.tasks.backfill_equities.delay") as equities,
    ):
        response = run_action(admin_client, TOKEN_CHANGELIST, "backfill_90_days", [msft, tao])

    assert crypto.call_args_list == [mock.call("TAO", 90)]
    assert equities.call_args_list == [mock.call(90, ["MSFT"])]
    assert ("success", "Backfill of 90 days queued for MSFT, TAO.") in messages_of(response)


def test_staff_filter_tokens_by_asset_class_in_the_admin(admin_client, msft, tao):
    response = admin_client.get("/admin/markets/token/", {"asset_class__exact": "equity"})

    assert response.status_code == 200
    assert [t.symbol for t in response.context["cl"].result_list] == ["MSFT"]


def test_staff_see_the_fear_greed_days_in_the_admin(admin_client, db):
    from markets.models import FearGreedDaily

    FearGreedDaily.objects.create(day=date(2026, 2, 6), value=9, classification="Extreme Fear")
    response = admin_client.get("/admin/markets/feargreeddaily/")

    assert response.status_code == 200
    assert [r.value for r in response.context["cl"].result_list] == [9]
