"""The dashboard's Fear & Greed gauge and history, the Equity badge and the ai-equities page,
on the demo episode ending on 6 February 2026 at 12:00 UTC."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.fear_greed_chart import fear_greed_panel_build
from markets.models import FearGreedDaily
from tests.markets.pages.conftest import build_list
from tests.markets.pages.html import MINUS, find, parse, row_symbols, squash


def test_the_dashboard_shows_the_latest_value_its_class_and_the_crash_low(client, seeded):
    card = find(client.get("/").content, id="fear-greed-card")
    text = squash(card.text)

    assert "11/100 Extreme fear" in text  # the demo's value on 6 February
    assert "on Feb. 6, 2026" in text and "Demo reconstruction." in text
    assert "Last 90 days: low of 8 (Extreme fear) on Feb. 4, 2026." in text


def test_the_gauge_needle_points_at_the_value(client, seeded):
    content = client.get("/").content
    needle = find(content, tag="line", class_="fear-greed__needle")
    # 11/100 of a half turn from the left: angle 0.89 pi, needle length 66 around (100, 100).
    assert (float(needle.attrs["x2"]), float(needle.attrs["y2"])) == pytest.approx(
        (100 - 66 * 0.94088, 100 - 66 * 0.33874), abs=0.01
    )
    assert content.decode().count('class="fear-greed__band fear-greed__band--') == 5


def test_the_history_has_a_point_per_day_and_marks_the_low(client, seeded):
    content = client.get("/").content
    points = find(content, tag="polyline", class_="fear-greed__line").attrs["points"].split()
    low = find(content, tag="circle", class_="fear-greed__low")

    assert len(points) == 90
    assert points[-1] == f"300.0,{80 - 11 * 0.8:.1f}"
    # The low (8) is 2 days before the last of 90 points: x = 87 * 300 / 89.
    assert float(low.attrs["cx"]) == pytest.approx(87 * 300 / 89, abs=0.01)
    assert float(low.attrs["cy"]) == pytest.approx(80 - 8 * 0.8)


def test_a_replayed_dashboard_shows_the_value_of_that_day(client, seeded):
    card = find(client.get("/", {"at": "2026-02-04T12:00:00Z"}).content, id="fear-greed-card")
    text = squash(card.text)

    assert "8/100 Extreme fear" in text and "on Feb. 4, 2026" in text
    assert "11/100" not in text  # 6 February, after the replayed hour


def test_a_value_dated_ahead_of_the_demo_clock_is_not_the_gauges(client, seeded):
    FearGreedDaily.objects.create(day=date(9999, 12, 31), value=95, classification="Extreme Greed")

    text = squash(find(client.get("/").content, id="fear-greed-card").text)

    assert "11/100 Extreme fear" in text and "on Feb. 6, 2026" in text
    assert "95/100" not in text


def test_a_live_gauge_shows_the_latest_value_up_to_today(client, seeded, settings):
    settings.PRICE_PROVIDER = "coingecko"  # now is the wall clock: 6 February 2026
    FearGreedDaily.objects.create(day=date(2026, 2, 7), value=95, classification="Extreme Greed")

    text = squash(find(client.get("/").content, id="fear-greed-card").text)

    assert "11/100" in text and "95/100" not in text


def test_the_gauge_is_in_french_for_a_french_reader(client, seeded):
    card = find(client.get("/", headers={"Accept-Language": "fr"}).content, id="fear-greed-card")
    text = squash(card.text)

    assert "Indice Fear & Greed" in text
    assert "Peur extrême" in text and "Reconstitution de démonstration." in text
    assert "Derniers 90 jours : plus bas de 8 (Peur extrême) le 4 février 2026." in text


def test_the_french_gauge_draws_with_numbers_a_browser_can_read(client, seeded):
    content = client.get("/", headers={"Accept-Language": "fr"}).content.decode()
    start = content.index('id="fear-greed-card"')
    card = parse(content[start : content.index("</section>", start)])
    numeric = ("x1", "x2", "y1", "y2", "cx", "cy", "r", "data-value")

    values = [tag.attrs[key] for tag in card for key in numeric if key in tag.attrs]

    assert len(values) > 10
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in values), values
    needle = find(content, tag="line", class_="fear-greed__needle")
    assert float(needle.attrs["x2"]) == pytest.approx(100 - 66 * 0.94088, abs=0.01)


def test_the_gauge_is_only_on_the_dashboard(client, seeded):
    assert "fear-greed-card" not in client.get("/lists/ai/").content.decode()


def test_the_gauge_says_so_when_there_is_no_value_yet(client, seeded):
    FearGreedDaily.objects.all().delete()

    card = find(client.get("/").content, id="fear-greed-card")
    assert "No Fear & Greed values yet" in squash(card.text)


def test_the_gauge_uses_no_inline_style_or_script(client, seeded):
    content = client.get("/").content.decode()
    start = content.index('id="fear-greed-card"')
    card = content[start : content.index("</section>", start)]

    assert "style=" not in card and "<script" not in card
    assert not re.search(r"\son[a-z]+=", card)  # no inline event handler


def test_a_real_value_cites_alternative_me():
    row = FearGreedDaily(day=date(2026, 2, 6), value=9, classification="Extreme Fear",
                         source="alternative.me")  # fmt: skip
    panel = fear_greed_panel_build([row])

    assert not panel["is_demo"] and panel["band"] == "extreme-fear"
    assert panel["needle_x"] < 100  # the fear side


@pytest.mark.parametrize("days", [5, 90])
def test_the_dashboard_runs_one_fear_greed_query_whatever_the_history(
    client, empty, settings, days
):
    settings.PAGE_CACHE_SECONDS = 0
    build_list(3, slug="q")
    FearGreedDaily.objects.all().delete()  # the module's demo data, if seeded
    FearGreedDaily.objects.bulk_create(
        FearGreedDaily(day=date(2026, 2, 6) - timedelta(days=i), value=20 + i % 50)
        for i in range(days)
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert len(row_symbols(response.content)) == 3
    assert len([q for q in queries if "markets_feargreeddaily" in q["sql"]]) == 1


# --- Equities on pages ---------------------------------------------------------------------


def test_the_ai_equities_list_page_shows_its_members_with_an_equity_badge(client, seeded):
    response = client.get("/lists/ai-equities/")

    assert response.status_code == 200
    assert row_symbols(response.content) == ["MSFT", "NVDA", "AMD", "GOOGL", "AMZN", "META"]
    msft = find(response.content, tag="tr", data_symbol="MSFT")
    assert "Equity" in squash(msft.text)
    assert "Equity" not in squash(find(client.get("/").content, tag="tr", data_symbol="TAO").text)


def test_an_equity_token_page_has_the_badge_in_french_too(client, seeded):
    english = find(client.get("/tokens/AMD/").content, tag="h1")
    french = find(client.get("/tokens/AMD/", headers={"Accept-Language": "fr"}).content, tag="h1")

    assert "Equity" in squash(english.text)
    assert "Action" in squash(french.text)
    assert "Equity" not in squash(find(client.get("/tokens/TAO/").content, tag="h1").text)


def test_the_amd_page_shows_its_five_session_fall(client, seeded):
    live = squash(find(client.get("/tokens/AMD/").content, id="token-live").text)
    # as of Thursday 5 February's close (the episode ends Friday at noon)
    assert f"{MINUS}18.50 %" in live
