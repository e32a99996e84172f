"""The demo market clock: the episode ends on the article's morning and the demo walk moves one
demo hour per refresh from there, whatever the wall clock; demo freshness is judged by when
the data were last refreshed, not by how long ago February 2026 was."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from markets import health
from markets.clock import market_now
from markets.demo_episode import EPISODE_END, TOKENS
from markets.models import Snapshot, Token, TokenMetrics
from markets.providers.demo import DemoProvider
from markets.services.demo import demo_seed
from markets.services.refresh import prices_refresh

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
WALL = datetime(2026, 11, 30, 9, 0, 10, tzinfo=UTC)  # months after the episode
INTERVAL = timedelta(minutes=5)


@pytest.fixture(autouse=True)
def demo_mode(settings):
    settings.PRICE_PROVIDER = "demo"
    settings.REFRESH_INTERVAL_SECONDS = 300
    settings.STALE_AFTER_SECONDS = 900


@pytest.fixture
def seeded():
    with time_machine.travel(WALL, tick=False):
        demo_seed()


def refresh_at(moment: datetime):
    with time_machine.travel(moment, tick=False):
        return prices_refresh(provider=DemoProvider())


def latest_hours() -> dict[str, datetime]:
    return {
        symbol: Snapshot.objects.filter(token__symbol=symbol).latest("ts").ts
        for symbol in (t.symbol for t in TOKENS)
    }


def test_the_episode_ends_on_the_articles_friday_morning():
    assert datetime(2026, 2, 6, 8, tzinfo=UTC) == EPISODE_END
    assert EPISODE_END.strftime("%A") == "Friday"


def test_seed_demo_without_end_ends_on_6_february_2026_whatever_the_wall_clock():
    out = io.StringIO()
    with time_machine.travel(WALL, tick=False):
        call_command("seed_demo", stdout=out)

    assert "ending 2026-02-06T08:00:00+00:00" in out.getvalue()
    assert set(latest_hours().values()) == {EPISODE_END}
    assert market_now() == EPISODE_END


def test_every_all_time_high_falls_before_the_crash_week(seeded):
    crash_week = EPISODE_END - timedelta(days=7)
    aths = dict(TokenMetrics.objects.values_list("token__symbol", "ath_at"))
    assert len(aths) == Token.objects.count()  # the crypto tokens and the AI equities
    assert all(at < crash_week for at in aths.values()), aths


def test_three_refreshes_advance_three_demo_hours_from_the_episode_end(seeded):
    before = Snapshot.objects.count()

    runs = [refresh_at(WALL + INTERVAL * n) for n in (1, 2, 3)]

    assert [run.quotes_stored for run in runs] == [len(TOKENS)] * 3
    assert Snapshot.objects.count() == before + 3 * len(TOKENS)
    assert set(latest_hours().values()) == {EPISODE_END + 3 * HOUR}
    for n in (1, 2, 3):  # one quote per token at each demo hour, none in between
        at_hour = Snapshot.objects.filter(ts=EPISODE_END + n * HOUR)
        assert at_hour.count() == len(TOKENS)
    crypto = TokenMetrics.objects.filter(token__asset_class="crypto")  # equities: weekday closes
    assert set(crypto.values_list("as_of", flat=True)) == {EPISODE_END + 3 * HOUR}
    assert market_now() == EPISODE_END + 3 * HOUR


def test_a_refresh_years_later_still_moves_only_one_demo_hour(seeded):
    refresh_at(datetime(2030, 1, 1, tzinfo=UTC))

    assert set(latest_hours().values()) == {EPISODE_END + HOUR}


def test_running_the_same_refresh_twice_is_idempotent(seeded):
    refresh_at(WALL + INTERVAL)
    stored = list(Snapshot.objects.order_by("token_id", "ts").values_list("ts", "price_usd"))

    again = refresh_at(WALL + INTERVAL)  # a duplicate delivery of the same beat tick
    retry = refresh_at(WALL + INTERVAL + timedelta(seconds=90))  # a retry soon after

    assert (again.quotes_stored, retry.quotes_stored) == (0, 0)
    after = list(Snapshot.objects.order_by("token_id", "ts").values_list("ts", "price_usd"))
    assert after == stored
    assert market_now() == EPISODE_END + HOUR


def test_reseeding_puts_the_clock_back_to_the_episode_end(seeded):
    refresh_at(WALL + INTERVAL)
    with time_machine.travel(WALL + 2 * INTERVAL, tick=False):
        demo_seed()

    assert set(latest_hours().values()) == {EPISODE_END}
    assert refresh_at(WALL + 3 * INTERVAL).quotes_stored == len(TOKENS)  # moves on again
    assert market_now() == EPISODE_END + HOUR


def test_market_now_is_the_wall_clock_with_a_live_provider(seeded, settings):
    settings.PRICE_PROVIDER = "coingecko"
    with time_machine.travel(WALL, tick=False):
        assert market_now() == WALL


# --- freshness -------------------------------------------------------------------------------


def token_page(client, moment: datetime) -> str:
    with time_machine.travel(moment, tick=False):
        return client.get("/tokens/TAO/").content.decode().replace("\xa0", " ")


def test_demo_data_are_fresh_right_after_a_demo_refresh_and_show_their_episode_date(client, seeded):
    refresh_at(WALL + INTERVAL)

    page = token_page(client, WALL + INTERVAL + timedelta(minutes=1))

    assert "Stale" not in page
    assert "as of Feb. 6, 2026, 09:00 UTC" in page  # the data's time, with its date


def test_demo_data_are_stale_when_the_last_refresh_is_old(client, seeded):
    refresh_at(WALL + INTERVAL)

    page = token_page(client, WALL + INTERVAL + timedelta(minutes=16))

    assert "as of Feb. 6, 2026, 09:00 UTC" in page
    assert "Stale: no new prices for 16 minutes" in page


@pytest.fixture
def broker_ok():
    with mock.patch.object(health, "health_broker", return_value={"ok": True, "error": None}):
        yield


def healthz(client, moment: datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return client.get(reverse("healthz")).json()


def test_healthz_calls_demo_data_fresh_right_after_a_refresh(client, seeded, broker_ok):
    refresh_at(WALL + INTERVAL)

    body = healthz(client, WALL + INTERVAL + timedelta(minutes=1))

    assert body["stale"] is False
    assert body["latest_snapshot_at"] == "2026-02-06T09:00:00Z"  # episode time
    assert body["last_refresh"]["provider"] == "demo"


def test_healthz_calls_demo_data_stale_when_the_last_refresh_is_old(client, seeded, broker_ok):
    refresh_at(WALL + INTERVAL)

    body = healthz(client, WALL + INTERVAL + timedelta(minutes=16))

    assert body["stale"] is True
    assert body["status"] == "unhealthy"


def test_healthz_counts_the_seed_as_an_update_until_the_first_refresh(client, seeded, broker_ok):
    assert healthz(client, WALL + timedelta(minutes=1))["stale"] is False
    assert healthz(client, WALL + timedelta(minutes=16))["stale"] is True


# --- market-time defaults ----------------------------------------------------------------------


def test_the_snapshots_api_defaults_to_the_last_seven_demo_days(api_client, seeded):
    url = reverse("api:token-snapshots", kwargs={"symbol": "TAO"})
    with time_machine.travel(WALL, tick=False):
        body = api_client.get(url, {"interval": "1d"}).json()

    days = [row["ts"] for row in body["results"]]
    assert days[0] == "2026-01-30T00:00:00Z"
    assert days[-1] == "2026-02-06T00:00:00Z"


def test_charts_end_at_the_data_not_at_the_wall_clock(client, seeded):
    with time_machine.travel(WALL, tick=False):
        chart = client.get("/tokens/TAO/chart.json", {"range": "24h"}).json()

    assert chart["end"] == "2026-02-06T08:00:00Z"
    assert chart["count"] == 25


@pytest.fixture
def import_ahead(seeded, tmp_path):
    """A user imports a token whose only row is months after the demo's last hour."""
    path = tmp_path / "ahead.csv"
    path.write_text(
        "symbol,timestamp,price_usd,market_cap_usd,volume_24h_usd\nNEWT,2026-06-01T12:00:00Z,1,,\n"
    )
    call_command("import_prices", str(path), "--create-tokens", stdout=io.StringIO())


def test_an_import_running_ahead_does_not_move_the_demo_clock(import_ahead):
    assert market_now() == EPISODE_END


def test_the_snapshots_api_still_shows_the_demo_week_after_such_an_import(api_client, import_ahead):
    url = reverse("api:token-snapshots", kwargs={"symbol": "TAO"})
    with time_machine.travel(WALL, tick=False):
        body = api_client.get(url, {"interval": "1d"}).json()

    assert body["results"][-1]["ts"] == "2026-02-06T00:00:00Z"


def test_the_next_refresh_still_moves_the_demo_one_hour(import_ahead):
    refresh_at(WALL + INTERVAL)

    hours = latest_hours()
    assert set(hours.values()) == {EPISODE_END + HOUR}
    assert Snapshot.objects.get(token__symbol="NEWT").ts == datetime(2026, 6, 1, 12, tzinfo=UTC)
    assert market_now() == EPISODE_END + HOUR
