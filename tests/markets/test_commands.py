"""Management commands: seed_demo, metrics, compute_metrics, refresh_prices, backfill."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from itertools import pairwise

import pytest
import time_machine
from django.core.management import CommandError, call_command

from markets.demo_episode import EPISODE_END, HOURS, TOKENS
from markets.models import RefreshRun, Snapshot, Token, TokenMetrics
from markets.providers.base import Quote
from markets.selectors import LIST_METRIC_FIELDS, TOKEN_METRIC_FIELDS
from markets.services.demo import demo_seed
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory

pytestmark = pytest.mark.django_db

END = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)
HOUR = 3600


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def hourly(token: Token, *, hours: int, last_price: float, end: datetime = END) -> list[Quote]:
    """``hours`` hourly quotes of a token rising 0.1 % an hour up to ``last_price`` at ``end``."""
    stop = int(end.timestamp())
    return [
        Quote(token.pk, stop - h * HOUR, last_price / 1.001**h, last_price * 1e6 / 1.001**h, 5e6)
        for h in range(hours)
    ]


@pytest.fixture
def market(tao, btc):
    """TAO and NEAR (list "ai"), BTC, an inactive OLD token; two days of hourly quotes each."""
    near = TokenFactory(symbol="NEAR", name="NEAR Protocol")
    old = TokenFactory(symbol="OLD", name="Retired", is_active=False)
    ai = TokenListFactory(slug="ai", name="AI tokens")
    MembershipFactory(token_list=ai, token=tao, position=0)
    MembershipFactory(token_list=ai, token=near, position=1)
    prices = {tao: 164.0, near: 1.12, btc: 63_450.0, old: 2.0}
    quotes = [
        q for token, price in prices.items() for q in hourly(token, hours=48, last_price=price)
    ]
    snapshot_ingest(quotes=quotes, source="test")
    metrics_recompute(token_ids=[t.pk for t in prices])
    return {"TAO": tao, "NEAR": near, "BTC": btc, "OLD": old}


# --- seed_demo ----------------------------------------------------------------------------


def test_seed_demo_loads_the_episode_and_says_it_is_a_reconstruction():
    output = run("seed_demo", "--end", "2026-02-06T12:00:00Z")

    snapshots = len(TOKENS) * (HOURS + 1)
    equities = Token.objects.filter(asset_class="equity")
    every = Snapshot.objects.filter(source="demo").count()  # what demo_remove counts
    assert f"{len(TOKENS)} tokens and {equities.count()} equities, {every} snapshots" in output
    assert equities.count() == 6 and every > snapshots
    assert "ending 2026-02-06T12:00:00+00:00" in output
    assert "a reconstruction, not market data" in output
    assert Snapshot.objects.filter(token__asset_class="crypto").count() == snapshots  # + equities
    assert Token.objects.filter(asset_class="crypto").count() == len(TOKENS)
    tao = TokenMetrics.objects.get(token__symbol="TAO")
    assert tao.as_of == END
    assert tao.price_usd == pytest.approx(164)
    assert tao.change_7d == pytest.approx(-0.2341)


def test_seed_demo_if_empty_leaves_existing_data_alone(tao):
    snapshot_ingest(quotes=[Quote(tao.pk, int(END.timestamp()), 164.0)], source="csv")

    output = run("seed_demo", "--if-empty")

    assert "already exist" in output
    assert Snapshot.objects.count() == 1
    assert list(Token.objects.values_list("symbol", flat=True)) == ["TAO"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "is not an ISO 8601 date-time"),
        ("2026-02-06T12:00:00", "--end needs a time zone"),
        ("1800-01-01T00:00Z", "--end must fall from 1990-05-31T00:00:00Z to before 2100"),
        ("1990-03-01T00:00Z", "--end must fall from 1990-05-31T00:00:00Z to before 2100"),
        ("2100-01-01T00:00Z", "--end must fall from 1990-05-31T00:00:00Z to before 2100"),
    ],
    ids=[
        "a value that is not a date",
        "a date without a time zone",
        "long before the price data's range",
        "too early for the demo's 150 days of history",
        "after the price data's range",
    ],
)
def test_seed_demo_refuses_an_end_that_is(value, message):
    with pytest.raises(CommandError, match=message):
        run("seed_demo", "--end", value)
    assert not Snapshot.objects.exists()
    assert not Token.objects.exists()


def test_seed_demo_with_an_end_out_of_range_keeps_the_demo_already_stored(tao):
    snapshot_ingest(quotes=[Quote(tao.pk, int(END.timestamp()), 164.0)], source="demo")

    with pytest.raises(CommandError, match="--end must fall"):
        run("seed_demo", "--end", "3000-01-01T00:00Z")

    assert Snapshot.objects.filter(source="demo").count() == 1


def test_seed_demo_waits_for_a_running_refresh_and_says_so_changing_nothing(tao, settings):
    """It replaced the demo under a running refresh: the refresh found no demo history (a
    failed run), or stored its hour after the seed, past the episode's end."""
    from markets.services.locks import MARKET_DATA_LOCK, lock_acquire

    snapshot_ingest(quotes=[Quote(tao.pk, int(END.timestamp()), 164.0)], source="demo")
    settings.MARKET_DATA_LEASE_WAIT_SECONDS = 0
    assert lock_acquire(name=MARKET_DATA_LOCK, ttl_seconds=60)

    with pytest.raises(CommandError, match="a refresh, backfill or import is running"):
        run("seed_demo")

    assert Snapshot.objects.filter(source="demo").count() == 1


# --- metrics ------------------------------------------------------------------------------


def test_metrics_json_prints_every_field_of_every_active_token(market):
    report = json.loads(run("metrics", "--json"))

    assert set(report) == {"tokens", "lists"}
    assert list(report["tokens"]) == ["BTC", "NEAR", "TAO"]  # not OLD, which is inactive
    for payload in report["tokens"].values():
        assert list(payload) == TOKEN_METRIC_FIELDS
    assert report["tokens"]["TAO"]["price_usd"] == pytest.approx(164.0)
    assert report["tokens"]["TAO"]["as_of"] == "2026-02-06T12:00:00Z"
    assert report["tokens"]["BTC"]["price_usd"] == pytest.approx(63_450.0)
    assert report["lists"] == {}


def test_metrics_prints_the_given_symbols_and_the_list_metrics(market):
    report = json.loads(run("metrics", "tao", "--list", "ai", "--json"))

    assert list(report["tokens"]) == ["TAO"]
    assert list(report["lists"]) == ["ai"]
    ai = report["lists"]["ai"]
    assert list(ai) == LIST_METRIC_FIELDS
    assert ai["members_count"] == 2
    assert ai["total_market_cap_usd"] == pytest.approx(164e6 + 1.12e6)
    assert ai["as_of"] == "2026-02-06T12:00:00Z"


def test_metrics_names_an_unknown_symbol(market):
    with pytest.raises(CommandError, match="unknown symbol\\(s\\): NOPE"):
        run("metrics", "TAO", "nope", "--json")


def test_metrics_names_an_unknown_list(market):
    with pytest.raises(CommandError, match="unknown list: crypto-ai"):
        run("metrics", "--list", "crypto-ai", "--json")


# --- compute_metrics ----------------------------------------------------------------------


def test_compute_metrics_recreates_the_metrics_of_every_active_token(market):
    old_metrics = TokenMetrics.objects.get(token=market["OLD"])
    TokenMetrics.objects.exclude(token=market["OLD"]).delete()

    output = run("compute_metrics")

    assert "Recomputed metrics of 3 tokens" in output
    assert set(TokenMetrics.objects.values_list("token__symbol", flat=True)) == {
        "BTC", "NEAR", "TAO", "OLD",
    }  # fmt: skip
    assert TokenMetrics.objects.get(token=market["TAO"]).price_usd == pytest.approx(164.0)
    assert TokenMetrics.objects.get(token=market["OLD"]).computed_at == old_metrics.computed_at


def test_compute_metrics_recomputes_only_the_given_symbols(market):
    TokenMetrics.objects.all().delete()

    output = run("compute_metrics", "btc")

    assert output == "Recomputed metrics of 1 token.\n"
    assert list(TokenMetrics.objects.values_list("token__symbol", flat=True)) == ["BTC"]


def test_compute_metrics_counts_the_list_members_apart_from_the_symbols_asked_for(market):
    # It said "Recomputed metrics of 2 tokens" for TAO alone: NEAR shares its list.
    output = run("compute_metrics", "TAO")

    assert output == "Recomputed metrics of 1 token and of 1 other member of the same lists.\n"


def test_compute_metrics_refuses_an_unknown_symbol(market):
    TokenMetrics.objects.all().delete()

    with pytest.raises(CommandError, match="unknown symbol\\(s\\): NOPE"):
        run("compute_metrics", "TAO", "NOPE")
    assert not TokenMetrics.objects.exists()


# --- refresh_prices and backfill with the demo provider -----------------------------------


def test_refresh_prices_stores_one_demo_quote_per_active_token_one_demo_hour_later(settings):
    settings.PRICE_PROVIDER = "demo"
    with time_machine.travel(at("2026-11-30T15:00:30Z"), tick=False):
        demo_seed(end=END)
        Token.objects.filter(symbol="AKT").update(is_active=False)
        before = Snapshot.objects.count()

        output = run("refresh_prices")

    assert "Refresh ok: 7 stored, 0 rejected" in output
    assert Snapshot.objects.count() == before + 7
    now = at("2026-02-06T13:00:00Z")  # the demo hour after END, not the wall clock
    refreshed = set(Snapshot.objects.filter(ts=now).values_list("token__symbol", flat=True))
    assert refreshed == {t.symbol for t in TOKENS} - {"AKT"}
    assert TokenMetrics.objects.get(token__symbol="TAO").as_of == now
    assert TokenMetrics.objects.get(token__symbol="AKT").as_of == END
    run_row = RefreshRun.objects.get(kind=RefreshRun.Kind.REFRESH)
    assert (run_row.provider, run_row.status, run_row.quotes_stored) == ("demo", "ok", 7)


@pytest.mark.django_db
@pytest.mark.parametrize("option", [["--provider", "coingeko"], []])
def test_refresh_prices_with_an_unknown_provider_names_it_and_the_choices(settings, option):
    settings.PRICE_PROVIDER = "coingeko"

    with pytest.raises(CommandError) as raised:
        run("refresh_prices", *option)

    message = str(raised.value)
    assert "unknown provider 'coingeko'" in message
    assert "demo" in message and "coingecko" in message
    assert "module path" not in message and "None" not in message


@pytest.mark.parametrize(
    ("status", "code"), [("ok", None), ("partial", 3), ("failed", 1), ("skipped", None)]
)
def test_refresh_prices_exits_3_on_a_partial_refresh_and_1_on_a_failed_one(
    monkeypatch, status, code
):
    # A partial refresh (a batch failed, the others stored) exited 0 like a full one: cron
    # and monitoring could not tell it apart.
    from markets.management.commands import refresh_prices

    finished = RefreshRun(provider="demo", status=status, started_at=END, quotes_stored=250)
    monkeypatch.setattr(refresh_prices, "prices_refresh", lambda provider: finished)
    out = io.StringIO()

    if code is None:
        call_command("refresh_prices", stdout=out)
    else:
        with pytest.raises(CommandError) as raised:
            call_command("refresh_prices", stdout=out)
        assert raised.value.returncode == code
    assert out.getvalue().startswith(f"Refresh {status}: 250 stored")


def test_backfill_stores_hourly_demo_history_of_one_token_ending_at_the_episode(settings, tao, btc):
    settings.PRICE_PROVIDER = "demo"
    with time_machine.travel(at("2026-11-30T12:30:00Z"), tick=False):
        output = run("backfill", "tao", "--days", "2")

    assert "Backfill ok: 49 snapshots stored." in output  # both ends on the hour
    stamps = sorted(Snapshot.objects.filter(token=tao).values_list("ts", flat=True))
    assert len(stamps) == 49
    assert stamps[0] == at("2026-02-04T08:00:00Z")
    assert stamps[-1] == EPISODE_END == at("2026-02-06T08:00:00Z")
    assert {(b - a).total_seconds() for a, b in pairwise(stamps)} == {HOUR}
    assert not Snapshot.objects.filter(token=btc).exists()
    assert TokenMetrics.objects.get(token=tao).as_of == EPISODE_END


def test_a_demo_backfill_ends_at_the_demo_clock(settings, market):
    """With demo data up to END, a token added later gets history up to END too."""
    settings.PRICE_PROVIDER = "demo"
    akt = TokenFactory(symbol="AKT", name="Akash Network")
    with time_machine.travel(at("2026-11-30T12:30:00Z"), tick=False):
        run("backfill", "AKT", "--days", "1")

    assert Snapshot.objects.filter(token=akt).latest("ts").ts == END


def test_backfill_names_an_unknown_symbol(settings, tao):
    settings.PRICE_PROVIDER = "demo"
    with pytest.raises(CommandError, match="unknown symbol NOPE"):
        run("backfill", "nope", "--days", "2")
    assert not Snapshot.objects.exists()


@pytest.mark.parametrize("days", ["0", "3651", "-1"])
def test_backfill_refuses_a_number_of_days_out_of_range(settings, tao, days):
    settings.PRICE_PROVIDER = "demo"
    with pytest.raises(CommandError, match="--days must be between 1 and 3650"):
        run("backfill", "TAO", "--days", days)
    assert not Snapshot.objects.exists()
    assert not RefreshRun.objects.exists()


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("backfill", ["TAO", "--days", "2"], "backfill TAO: a refresh, backfill or import is "
         "running; try again later; nothing was stored"),
        ("compact_snapshots", [], "compaction: a refresh, backfill or import is running; try "
         "again later; nothing was folded"),
    ],
)  # fmt: skip
def test_it_rejects_a_run_during_a_refresh_with_a_message_not_a_traceback(
    settings, tao, command, args, message
):
    """Like import_prices: the lease is busy, the command says so (a CommandError, exit 1)."""
    from markets.services.locks import MARKET_DATA_LOCK, lock_held

    settings.PRICE_PROVIDER = "demo"
    settings.MARKET_DATA_LEASE_WAIT_SECONDS = 0.2
    with lock_held(name=MARKET_DATA_LOCK, ttl_seconds=60) as acquired:
        assert acquired
        with pytest.raises(CommandError) as caught:
            run(command, *args)
    assert str(caught.value) == message
    assert not Snapshot.objects.exists()


@pytest.mark.parametrize("symbol", ["", "  "])
def test_backfill_of_a_blank_symbol_asks_for_one(db, symbol):
    # It said "unknown symbol " with nothing after it.
    with pytest.raises(CommandError, match=r"give a token's symbol, e\.g\. backfill TAO"):
        call_command("backfill", symbol)
