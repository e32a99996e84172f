"""The alternative.me Fear & Greed provider and its storage, on recorded answers in the API's
real shape (values and timestamps as strings, newest first); respx stands in for the network."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest
import respx
from django.core.management import CommandError, call_command

from markets.models import FearGreedDaily
from markets.providers.base import ProviderError, TransientProviderError
from markets.providers.fear_greed import (
    URL,
    FearGreedPoint,
    FearGreedProvider,
    body_parse,
    classification_for,
)
from markets.services.fear_greed import fear_greed_refresh, fear_greed_store

FIXTURE = Path(__file__).parent / "fixtures" / "fear_greed" / "fng_limit_10.json"
RECORDED = json.loads(FIXTURE.read_text())
FEB_6 = "1770336000"  # 2026-02-06T00:00:00Z


def body(*rows, error=None) -> dict:
    return {"name": "Fear and Greed Index", "data": list(rows), "metadata": {"error": error}}


def row(value="25", ts=FEB_6, label="Extreme Fear") -> dict:
    return {"value": value, "value_classification": label, "timestamp": ts}


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def provider(sleeps) -> FearGreedProvider:
    return FearGreedProvider(timeout=5.0, max_retries=2, backoff=1.0, sleep=sleeps.append)


def test_a_recorded_answer_gives_one_point_per_utc_day_oldest_first():
    result = body_parse(RECORDED)

    assert result.rejected == 0 and len(result.points) == 10
    assert result.points[-1] == FearGreedPoint(date(2026, 2, 6), 9, "Extreme Fear")
    assert result.points[0] == FearGreedPoint(date(2026, 1, 28), 44, "Fear")


def test_the_provider_asks_for_json_with_the_limit(provider):
    with respx.mock() as router:
        route = router.get(URL).mock(return_value=httpx.Response(200, json=RECORDED))
        result = provider.fetch(limit=0)

    assert dict(route.calls.last.request.url.params) == {"limit": "0", "format": "json"}
    assert len(result.points) == 10


def test_error_metadata_is_a_fault_even_with_data(provider):
    with respx.mock() as router:
        router.get(URL).mock(
            return_value=httpx.Response(200, json=body(row(), error="Rate limit exceeded"))
        )
        with pytest.raises(ProviderError, match=r"alternative\.me error: Rate limit exceeded"):
            provider.fetch()


@pytest.mark.parametrize(
    "answer",
    [
        [1, 2],
        {"name": "Fear and Greed Index", "metadata": {"error": None}},
        {"data": "none", "metadata": {"error": None}},
    ],
    ids=["not-an-object", "no-data", "data-not-a-list"],
)
def test_a_body_without_a_data_list_is_a_fault(answer):
    with pytest.raises(ProviderError):
        body_parse(answer)


def test_invalid_json_is_a_fault(provider):
    with respx.mock() as router:
        router.get(URL).mock(return_value=httpx.Response(200, text="<html>busy</html>"))
        with pytest.raises(ProviderError, match="invalid JSON"):
            provider.fetch()


def test_bad_rows_are_skipped_and_counted():
    result = body_parse(
        body(
            row("10", "1770336000"),
            {"value_classification": "Fear", "timestamp": "1770249600"},  # no value
            {"value": "30", "value_classification": "Fear"},  # no timestamp
            row("101", "1770163200"),  # out of range
            row("-1", "1770076800"),  # out of range
            row("twenty", "1769990400"),  # not a number
            row("22.5", "1769904000"),  # not an integer
            row("40", "yesterday"),  # bad timestamp
            row("40", "99999999999"),  # year 5138
            "not an object",
        )
    )

    assert [p.value for p in result.points] == [10]
    assert result.rejected == 9


def test_a_missing_classification_is_derived_from_the_value():
    result = body_parse(body({"value": "50", "timestamp": FEB_6}))

    assert result.points[0].classification == "Neutral"
    assert [classification_for(v) for v in (0, 24, 25, 46, 47, 54, 55, 75, 76, 100)] == [
        "Extreme Fear", "Extreme Fear", "Fear", "Fear", "Neutral", "Neutral", "Greed", "Greed",
        "Extreme Greed", "Extreme Greed",
    ]  # fmt: skip


def test_two_values_of_one_day_keep_the_newest(provider):
    result = body_parse(body(row("12", "1770379200"), row("15", FEB_6)))  # 12:00 then 00:00

    assert result.points == [FearGreedPoint(date(2026, 2, 6), 12, "Extreme Fear")]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_429_and_5xx_are_retried_then_transient(provider, sleeps, status):
    with respx.mock() as router:
        route = router.get(URL).mock(return_value=httpx.Response(status))
        with pytest.raises(TransientProviderError, match=f"HTTP {status}"):
            provider.fetch()

    assert route.call_count == 3 and sleeps == [1.0, 2.0]


def test_a_timeout_then_success_is_retried(provider, sleeps):
    with respx.mock() as router:
        router.get(URL).mock(
            side_effect=[httpx.ConnectTimeout("slow"), httpx.Response(200, json=RECORDED)]
        )
        result = provider.fetch()

    assert len(result.points) == 10 and sleeps == [1.0]


def test_a_403_is_not_retried(provider, sleeps):
    with respx.mock() as router:
        route = router.get(URL).mock(return_value=httpx.Response(403, text="Forbidden"))
        with pytest.raises(ProviderError, match="HTTP 403") as caught:
            provider.fetch()

    assert route.call_count == 1 and not isinstance(caught.value, TransientProviderError)


# --- Storage ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_storing_is_one_query_whatever_the_number_of_days(django_assert_num_queries):
    points = body_parse(RECORDED).points
    with django_assert_num_queries(1):
        fear_greed_store(points=points[:3])
    with django_assert_num_queries(1):
        fear_greed_store(points=points)

    assert FearGreedDaily.objects.count() == 10


@pytest.mark.django_db
def test_storing_again_updates_the_day_instead_of_duplicating_it():
    fear_greed_store(points=[FearGreedPoint(date(2026, 2, 6), 12, "Extreme Fear")])
    fear_greed_store(points=[FearGreedPoint(date(2026, 2, 6), 9, "Extreme Fear")])

    assert list(FearGreedDaily.objects.values_list("day", "value", "source")) == [
        (date(2026, 2, 6), 9, "alternative.me")
    ]


@pytest.mark.django_db
def test_a_refresh_stores_the_good_days_and_nothing_on_a_fault(provider):
    with respx.mock() as router:
        router.get(URL).mock(return_value=httpx.Response(200, json=RECORDED))
        run = fear_greed_refresh(limit=10, provider=provider)
    assert (run.stored, run.rejected) == (10, 0)

    with respx.mock() as router:
        router.get(URL).mock(return_value=httpx.Response(200, json=body(row("1"), error="boom")))
        with pytest.raises(ProviderError):
            fear_greed_refresh(provider=provider)
    assert FearGreedDaily.objects.get(day=date(2026, 2, 6)).value == 9


@pytest.mark.django_db
def test_the_command_backfills_the_whole_history(monkeypatch):
    calls = []

    def fake_fetch(self, *, limit):
        calls.append(limit)
        return body_parse(RECORDED)

    monkeypatch.setattr(FearGreedProvider, "fetch", fake_fetch)
    call_command("refresh_fear_greed", "--backfill")

    assert calls == [0] and FearGreedDaily.objects.count() == 10


@pytest.mark.django_db
def test_the_command_refuses_limit_with_backfill_rather_than_ignoring_one(monkeypatch):
    monkeypatch.setattr(FearGreedProvider, "fetch", lambda self, *, limit: pytest.fail())

    with pytest.raises(CommandError, match="--limit and --backfill"):
        call_command("refresh_fear_greed", "--limit", "2", "--backfill")


@pytest.mark.django_db
def test_the_command_reports_a_fault_as_a_command_error(monkeypatch):
    def failing(self, *, limit):
        raise TransientProviderError("HTTP 503 (gave up after 3 attempts)")

    monkeypatch.setattr(FearGreedProvider, "fetch", failing)
    with pytest.raises(CommandError, match="HTTP 503"):
        call_command("refresh_fear_greed")


@pytest.mark.django_db
def test_the_periodic_task_stays_offline_with_the_demo_provider(settings, monkeypatch):
    from markets.tasks import refresh_fear_greed

    settings.MARKET_CONTEXT_LIVE = False
    monkeypatch.setattr(FearGreedProvider, "fetch", lambda *a, **k: pytest.fail("network"))

    assert refresh_fear_greed()["status"] == "skipped"


@pytest.mark.django_db
def test_the_periodic_task_stores_the_latest_days_when_live(settings, monkeypatch):
    from markets.tasks import refresh_fear_greed

    settings.MARKET_CONTEXT_LIVE = True
    monkeypatch.setattr(FearGreedProvider, "fetch", lambda self, *, limit: body_parse(RECORDED))

    assert refresh_fear_greed() == {"stored": 10, "rejected": 0}
