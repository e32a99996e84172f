"""The demo seed's context: AI equities' closes and Fear & Greed around the episode, checked
through the metrics service against the article's figures."""

from datetime import UTC, date, datetime, timedelta

import pytest

from markets.demo_context import equities_generate, fear_greed_generate, session_days
from markets.models import FearGreedDaily, Snapshot, Token, TokenList, TokenMetrics
from markets.services.demo import demo_seed

END = datetime(2026, 2, 6, 23, tzinfo=UTC)  # after Friday's close


@pytest.fixture
def seeded(db):
    demo_seed(end=END)
    return {m.token.symbol: m for m in TokenMetrics.objects.select_related("token")}


def test_the_article_s_equity_falls_over_five_sessions(seeded):
    # as of Friday 6 February's close, 7 days back is Friday 30 January's: five sessions.
    assert seeded["MSFT"].as_of == datetime(2026, 2, 6, 21, tzinfo=UTC)
    assert round(seeded["MSFT"].change_7d, 3) == -0.082  # "plus de 8 %"
    assert round(seeded["NVDA"].change_7d, 3) == -0.100
    assert round(seeded["AMD"].change_7d, 3) == -0.185
    for symbol in ("GOOGL", "AMZN", "META"):
        assert -0.10 < seeded[symbol].change_7d < 0


def test_equity_closes_are_weekdays_at_21_utc_and_never_after_the_end(seeded):
    closes = Snapshot.objects.filter(token__asset_class="equity", source="demo")
    assert closes.count() == 6 * len(session_days(END))
    assert {(s.ts.weekday() < 5, s.ts.hour, s.ts.minute) for s in closes} == {(True, 21, 0)}
    assert max(s.ts for s in closes) <= END


def test_equity_highs_come_before_the_crash(seeded):
    crash_start = END - timedelta(days=7)
    for symbol in ("MSFT", "NVDA", "AMD", "GOOGL", "AMZN", "META"):
        assert seeded[symbol].ath_at < crash_start
        assert seeded[symbol].drawdown_from_ath < -0.05


def test_the_ai_equities_list_is_seeded_with_its_metrics(seeded):
    token_list = TokenList.objects.select_related("metrics").get(slug="ai-equities")
    assert token_list.members.count() == 6
    assert token_list.metrics.members_count == 6
    assert token_list.metrics.equal_weight_change_7d < -0.05
    # caps estimated from shares outstanding, as a Stooq refresh does: some 14 T$ in all
    assert 10e12 < token_list.metrics.total_market_cap_usd < 20e12
    assert token_list.metrics.cap_change_7d < -0.05


def test_fear_and_greed_reaches_its_low_on_the_day_of_bitcoin_s_plunge(seeded):
    days = dict(FearGreedDaily.objects.values_list("day", "value"))
    assert len(days) == 151 and max(days) == END.date()
    low_day = min(days, key=days.get)
    assert days[low_day] == 8
    # BTC's low is 44 hours before the end (markets/demo_episode.py).
    assert low_day == (END - timedelta(hours=44)).date()
    assert FearGreedDaily.objects.get(day=low_day).classification == "Extreme Fear"
    assert set(FearGreedDaily.objects.values_list("source", flat=True)) == {"demo"}
    assert max(days.values()) > 60  # greed in the autumn


def test_seeding_again_with_another_end_replaces_the_context(seeded):
    demo_seed(end=END + timedelta(days=3))

    assert max(FearGreedDaily.objects.values_list("day", flat=True)) == date(2026, 2, 9)
    msft = Token.objects.get(symbol="MSFT")
    latest = Snapshot.objects.filter(token=msft).order_by("-ts").first()
    assert latest.ts == datetime(2026, 2, 9, 21, tzinfo=UTC)
    assert FearGreedDaily.objects.count() == 151


def test_generation_depends_only_on_the_end():
    a, b = equities_generate(END), equities_generate(END)
    assert (a["AMD"].price == b["AMD"].price).all()
    assert fear_greed_generate(END) == fear_greed_generate(END)


def test_an_end_before_friday_s_close_ends_on_thursday():
    days = session_days(datetime(2026, 2, 6, 12, tzinfo=UTC))
    assert days[-1] == date(2026, 2, 5)
    assert all(d.weekday() < 5 for d in days)
