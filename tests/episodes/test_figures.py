"""The episode's key figures, computed from stored prices and checked by hand
(the table in tests/episodes/conftest.py), and on the demo data against the article."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from episodes.models import Episode, MarketFact
from episodes.selectors import episode_figures, series_move, worst_day
from markets.models import FearGreedDaily, Snapshot
from markets.services.retention import snapshots_compact
from tests.episodes.conftest import END, START, at


def test_each_token_falls_from_start_to_end_and_from_peak_to_trough(story):
    figures = episode_figures(episode=story)
    tao = next(row for row in figures.tokens if row.token.symbol == "TAO")
    assert tao.move.start_value == 200 and tao.move.end_value == 150
    assert tao.move.change == pytest.approx(-0.25)  # 150 / 200 - 1
    assert tao.move.peak_to_trough == pytest.approx(-0.4)  # 132 / 220 - 1
    assert (tao.move.peak_at, tao.move.trough_at) == (at(30), at(40))
    near = next(row for row in figures.tokens if row.token.symbol == "NEAR")
    assert near.move.change == pytest.approx(-0.15)
    assert near.move.peak_to_trough == pytest.approx(-0.15)  # no higher peak than the start


def test_tokens_come_steepest_fall_first_and_equities_apart(story):
    figures = episode_figures(episode=story)
    assert [row.token.symbol for row in figures.tokens] == ["TAO", "NEAR"]
    assert [row.token.symbol for row in figures.equities] == ["MSFT"]
    assert figures.equities[0].move.change == pytest.approx(-0.08)  # 368 / 400 - 1


def test_bitcoin_moves_only_inside_the_window(story):
    btc = episode_figures(episode=story).btc
    assert btc.move.start_value == 100  # the closes before the start are references only
    assert btc.move.change == pytest.approx(-0.12)  # 88 / 100 - 1
    assert btc.move.peak_to_trough == pytest.approx(-0.3)  # 77 / 110 - 1


def test_bitcoins_worst_day_may_take_its_reference_before_the_window(story):
    worst = episode_figures(episode=story).btc_worst_day
    assert worst.change == pytest.approx(-0.23)  # 77 at hour 40 against 100 at hour 16
    assert worst.at == at(40)


def test_ai_tokens_fall_as_a_multiple_of_bitcoins(story):
    figures = episode_figures(episode=story)
    multiples = {row.token.symbol: row.multiple_of_btc for row in figures.tokens}
    assert multiples["TAO"] == pytest.approx(0.25 / 0.12)
    assert multiples["NEAR"] == pytest.approx(0.15 / 0.12)
    assert figures.tokens_vs_btc == pytest.approx(0.20 / 0.12)  # mean of -0.25 and -0.15


def test_the_sector_cap_sums_the_members_over_the_hours_they_all_have(story):
    sector = next(s for s in episode_figures(episode=story).sectors if s.token_list.slug == "ai")
    assert sector.move.start_value == pytest.approx(200e6 + 2.0e9)
    assert sector.move.end_value == pytest.approx(150e6 + 1.7e9)
    assert sector.move.change == pytest.approx(1.85 / 2.2 - 1)
    assert [point[0] for point in sector.series] == [
        int(START.timestamp()),
        int(END.timestamp()),
    ]


def test_the_fear_and_greed_low_is_the_lowest_day_inside_the_window(story):
    for day, value in [(1, 3), (2, 15), (3, 12), (4, 5)]:
        FearGreedDaily.objects.create(day=date(2026, 2, day), value=value, classification="Fear")
    low = episode_figures(episode=story).fear_greed_low
    assert (low.day, low.value) == (date(2026, 2, 3), 12)


def test_facts_are_the_episodes_and_the_unattached_ones_of_its_window(story):
    other = Episode.objects.create(slug="other", title="Other", start=START, end=END)
    make = {"value": 1.0, "unit": "usd", "source": "An article"}
    own = MarketFact.objects.create(at=at(0), wording="own", episode=story, **make)
    inside = MarketFact.objects.create(at=at(30), wording="inside", **make)
    MarketFact.objects.create(at=at(60), wording="after", **make)
    MarketFact.objects.create(at=at(30), wording="other's", episode=other, **make)
    assert episode_figures(episode=story).facts == [own, inside]


def test_an_episode_without_prices_has_empty_figures(db):
    start = datetime(2020, 1, 1, tzinfo=UTC)
    episode = Episode.objects.create(
        slug="empty", title="Empty", start=start, end=start + timedelta(days=1)
    )
    figures = episode_figures(episode=episode)
    assert (figures.tokens, figures.btc, figures.btc_worst_day, figures.sectors) == (
        [], None, None, []
    )  # fmt: skip
    assert figures.tokens_vs_btc is None and figures.fear_greed_low is None


def test_a_series_move_needs_two_points():
    assert series_move(np.array([0]), np.array([1.0])) is None
    move = series_move(np.array([0, 3600, 7200]), np.array([10.0, 5.0, 20.0]))
    assert (move.change, move.peak_to_trough) == (1.0, -0.5)


def test_the_worst_day_skips_hours_without_a_close_24_hours_before():
    times = np.array([0, 3600, 86_400 + 3600], dtype=np.int64)
    assert worst_day(times, np.array([100.0, 50.0, 40.0]), since=0).change == pytest.approx(-0.2)
    assert worst_day(times[:2], np.array([100.0, 50.0]), since=0) is None


def test_the_demo_episode_figures_match_the_article(transactional_db):
    from markets.services.demo import demo_seed

    demo_seed(end=datetime(2026, 2, 6, 12, tzinfo=UTC))
    figures = episode_figures(episode=Episode.objects.get(slug="feb-2026"))
    changes = {row.token.symbol: row.move.change for row in figures.tokens}
    assert changes["TAO"] == pytest.approx(-0.2341)  # 164 $ after 214.13 $ a week before
    assert changes["NEAR"] == pytest.approx(-0.254)
    assert -0.25 <= changes["ICP"] <= -0.23 and -0.25 <= changes["RENDER"] <= -0.23
    tao = next(row for row in figures.tokens if row.token.symbol == "TAO")
    assert tao.move.trough_value == 147
    assert figures.btc_worst_day.change == pytest.approx(-0.18)  # 74,600 $ → 61,172 $
    assert figures.btc.move.trough_value == 59_850
    assert figures.btc.move.change == pytest.approx(63_450 / 78_400 - 1)


def test_the_sector_cap_reads_the_compacted_hours_once_retention_folded_the_snapshots(story):
    def sector():
        figures = episode_figures(episode=story)
        return next(s for s in figures.sectors if s.token_list.slug == "ai")

    before = sector()
    snapshots_compact(now=END + timedelta(days=1), raw_days=0)  # all but each latest hour

    assert not Snapshot.objects.filter(token__symbol__in=["TAO", "NEAR"], ts__lt=END).exists()
    after = sector()
    assert after.series == before.series
    assert after.move.change == pytest.approx(1.85 / 2.2 - 1)


def test_an_hour_whose_last_snapshot_has_no_cap_counts_alike_before_and_after_folding(story):
    from markets.models import Token
    from markets.providers.base import Quote
    from markets.services.ingest import snapshot_ingest

    tao, near = Token.objects.get(symbol="TAO"), Token.objects.get(symbol="NEAR")
    more = [Quote(near.pk, int(at(h).timestamp()), 1.9, 1.9e9, 1e6) for h in (30, 40)]
    late = int((at(24) + timedelta(minutes=30)).timestamp())
    more.append(Quote(tao.pk, late, 201.0, None, 1e6))  # hour 24's last TAO quote: no cap
    snapshot_ingest(quotes=more, source="test")

    def series():
        figures = episode_figures(episode=story)
        return next(s for s in figures.sectors if s.token_list.slug == "ai").series

    before = series()
    snapshots_compact(now=END + timedelta(days=1), raw_days=0)

    assert series() == before
    hours = [point[0] for point in before]
    assert len(hours) == 3 and at(24).timestamp() not in hours
