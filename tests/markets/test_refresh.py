"""prices_refresh end to end with the CoinGecko provider against recorded responses."""

import json
from pathlib import Path

import httpx
import pytest
import respx

from markets.models import RefreshRun, Snapshot, TokenMetrics
from markets.providers.base import ProviderError, TransientProviderError
from markets.providers.coingecko import CoinGeckoProvider
from markets.services.locks import lock_held
from markets.services.refresh import REFRESH_LOCK, prices_refresh, token_backfill
from tests.factories import TokenFactory
from tests.markets.stubs import StubProvider

FIXTURES = Path(__file__).parent / "fixtures" / "coingecko"
MARKETS = "https://api.coingecko.com/api/v3/coins/markets"
GOOD = json.loads((FIXTURES / "coins_markets.json").read_text())


@pytest.fixture
def tokens(db):
    return {
        symbol: TokenFactory(symbol=symbol, coingecko_id=cg)
        for symbol, cg in [("TAO", "bittensor"), ("NEAR", "near"), ("BTC", "bitcoin"),
                           ("ICP", "internet-computer"), ("RENDER", "render-token")]
    }  # fmt: skip


@pytest.fixture
def coingecko():
    provider = CoinGeckoProvider(
        api_key="k", plan="demo", timeout=1, max_retries=2, backoff=0.01, sleep=lambda s: None
    )
    with respx.mock(assert_all_mocked=True) as router:
        yield provider, router.get(MARKETS)


def test_a_refresh_stores_quotes_records_the_run_and_recomputes_metrics(tokens, coingecko):
    provider, route = coingecko
    route.mock(return_value=httpx.Response(200, json=GOOD))
    run = prices_refresh(provider=provider)
    assert (run.status, run.quotes_stored, run.quotes_rejected) == ("ok", 5, 0)
    assert run.tokens_requested == 5 and run.finished_at is not None
    assert Snapshot.objects.get(token=tokens["TAO"]).price_usd == 164.27
    assert TokenMetrics.objects.get(token=tokens["TAO"]).price_usd == 164.27


def test_the_same_quotes_twice_store_nothing_new(tokens, coingecko):
    provider, route = coingecko
    route.mock(return_value=httpx.Response(200, json=GOOD))
    prices_refresh(provider=provider)
    assert prices_refresh(provider=provider).quotes_stored == 0
    assert Snapshot.objects.count() == 5


def test_inactive_tokens_are_not_requested(tokens, coingecko):
    provider, route = coingecko
    tokens["BTC"].is_active = False
    tokens["BTC"].save(update_fields=["is_active"])
    route.mock(return_value=httpx.Response(200, json=GOOD))
    prices_refresh(provider=provider)
    assert "bitcoin" not in route.calls.last.request.url.params["ids"]
    assert not Snapshot.objects.filter(token=tokens["BTC"]).exists()


FAILURES = {
    "timeout": httpx.ReadTimeout("timed out"),
    "connection error": httpx.ConnectError("refused"),
    "429": httpx.Response(429, json={"status": {"error_code": 429}}),
    "5xx": httpx.Response(503, text="upstream down"),
}


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_a_transient_failure_is_recorded_raised_for_retry_and_the_next_refresh_works(
    tokens, coingecko, failure
):
    provider, route = coingecko
    route.mock(side_effect=failure) if isinstance(failure, Exception) else route.mock(
        return_value=failure
    )
    with pytest.raises(TransientProviderError):
        prices_refresh(provider=provider)
    failed = RefreshRun.objects.get()
    assert failed.status == "failed" and failed.error
    assert route.call_count == 3  # the first try and two retries
    assert not Snapshot.objects.exists()

    route.mock(return_value=httpx.Response(200, json=GOOD), side_effect=None)
    assert prices_refresh(provider=provider).status == "ok"
    assert Snapshot.objects.count() == 5


@pytest.mark.parametrize(
    "response",
    [httpx.Response(200, text="<html>not json</html>"), httpx.Response(200, json={"a": 1})],
    ids=["invalid JSON", "wrong shape"],
)
def test_an_unusable_answer_fails_the_run_without_retrying(tokens, coingecko, response):
    provider, route = coingecko
    route.mock(return_value=response)
    run = prices_refresh(provider=provider)
    assert run.status == "failed" and run.error
    assert route.call_count == 1
    assert not Snapshot.objects.exists()


def test_missing_fields_and_absurd_values_are_rejected_and_good_rows_kept(tokens, coingecko):
    provider, route = coingecko
    rows = json.loads((FIXTURES / "coins_markets_bad_rows.json").read_text())
    route.mock(return_value=httpx.Response(200, json=rows))
    run = prices_refresh(provider=provider)
    assert run.status == "ok"
    assert run.quotes_stored == 1 and run.quotes_rejected >= 4
    assert list(Snapshot.objects.values_list("token__symbol", flat=True)) == ["TAO"]


def test_a_failing_batch_keeps_the_good_batches(db, coingecko):
    provider, route = coingecko
    many = [TokenFactory(symbol=f"T{i}", coingecko_id=f"coin-{i}") for i in range(300)]
    first_batch = [dict(GOOD[1], id=f"coin-{i}") for i in range(250)]
    route.mock(side_effect=[httpx.Response(200, json=first_batch)] + [httpx.Response(500)] * 3)
    run = prices_refresh(provider=provider)
    assert run.status == "partial"
    assert "500" in run.error, run.error
    assert run.quotes_stored == 250
    assert Snapshot.objects.count() == 250 and len(many) == 300


def test_a_second_refresh_while_one_runs_is_skipped_and_says_so(tokens):
    with lock_held(name=REFRESH_LOCK, ttl_seconds=60) as acquired:
        assert acquired
        run = prices_refresh(provider=StubProvider())
    assert run.status == "skipped" and "another refresh" in run.error
    assert not Snapshot.objects.exists()
    assert prices_refresh(provider=StubProvider()).status == "ok"


def test_a_permanent_error_fails_the_run_and_is_raised(tokens):
    class Broken(StubProvider):
        def fetch_latest(self, tokens):
            raise ProviderError("401 bad key")

    with pytest.raises(ProviderError):
        prices_refresh(provider=Broken())
    assert RefreshRun.objects.get().error == "401 bad key"


def test_backfill_stores_history_and_recomputes_the_token(tokens):
    run = token_backfill(symbol="tao", days=2, provider=StubProvider())
    assert run.kind == "backfill" and run.status == "ok"
    assert 47 <= run.quotes_stored <= 48
    assert TokenMetrics.objects.filter(token=tokens["TAO"]).exists()


def test_backfill_rejects_an_unknown_symbol_and_a_bad_day_count(tokens):
    with pytest.raises(ValueError):
        token_backfill(symbol="TAO", days=0, provider=StubProvider())
    with pytest.raises(tokens["TAO"].DoesNotExist):
        token_backfill(symbol="NOPE", days=2, provider=StubProvider())


def test_a_crash_while_storing_records_the_run_as_failed(tokens, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("markets.services.refresh.snapshot_ingest", broken)
    with pytest.raises(RuntimeError):
        prices_refresh(provider=StubProvider())
    run = RefreshRun.objects.get()
    assert run.status == "failed" and "disk full" in run.error and run.finished_at


@pytest.mark.parametrize("path", ["fanout", "direct"])
def test_a_run_whose_worker_died_is_recorded_as_failed_by_the_next_one_to_take_the_lease(
    tokens, path
):
    """A worker killed mid-batch never reaches the finishing step: the lease expired, but the
    run stayed "running" for ever in the run records."""
    from datetime import timedelta

    from django.utils import timezone

    from markets.services.fanout import refresh_fanout_start

    dead = RefreshRun.objects.create(
        provider="coingecko", started_at=timezone.now() - timedelta(minutes=20)
    )
    done = RefreshRun.objects.create(
        provider="coingecko", started_at=dead.started_at, status="ok", finished_at=timezone.now()
    )
    if path == "fanout":
        run = refresh_fanout_start(provider_name="stub").run
        assert run.status == "running"
    else:
        assert prices_refresh(provider=StubProvider()).status == "ok"

    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at is not None
    assert "did not finish" in dead.error
    done.refresh_from_db()
    assert done.status == "ok" and done.error == ""


def test_a_coin_coingecko_no_longer_knows_is_named_and_the_run_is_partial(tokens, coingecko):
    """CoinGecko leaves ids it does not know out of its answer: a renamed or mistyped id was
    only logged, so its token silently stopped updating under a run recorded "ok"."""
    provider, route = coingecko
    TokenFactory(symbol="GONE", coingecko_id="gone-coin")
    route.mock(return_value=httpx.Response(200, json=GOOD))
    run = prices_refresh(provider=provider)
    assert run.status == "partial"
    assert "GONE" in run.error and "gone-coin" in run.error
    assert run.quotes_stored == len(tokens)


@pytest.mark.parametrize("path", ["fanout", "direct"])
def test_a_run_younger_than_one_lease_is_left_running_by_the_next_one(tokens, path):
    """A run records itself before it asks for the lease: one started a moment ago is a
    refresh racing for it (or batches still queued), not a dead worker's."""
    from datetime import timedelta

    from django.utils import timezone

    from markets.services.fanout import refresh_fanout_start

    racing = RefreshRun.objects.create(
        provider="coingecko", started_at=timezone.now() - timedelta(seconds=5)
    )
    if path == "fanout":
        refresh_fanout_start(provider_name="stub")
    else:
        prices_refresh(provider=StubProvider())

    racing.refresh_from_db()
    assert racing.status == "running" and racing.error == ""
