"""The dashboard: the featured list against Bitcoin, sortable, live-refreshed with htmx."""

import json

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from markets.models import TokenList, TokenMetrics
from tests.factories import MembershipFactory, TokenFactory, TokenListFactory
from tests.markets.pages.conftest import build_list
from tests.markets.pages.html import MINUS, descendants, find, find_all, row_symbols, squash

DEMO_ORDER = ["TAO", "NEAR", "ICP", "RENDER", "FET", "AKT"]


def ai_metrics() -> dict[str, TokenMetrics]:
    return {
        m.token.symbol: m
        for m in TokenMetrics.objects.select_related("token").filter(token__lists__slug="ai")
    }


def test_the_dashboard_shows_tao_at_164_dollars_down_23_41_percent_in_7_days(client, seeded):
    response = client.get("/")

    assert response.status_code == 200
    tao = find(response.content, tag="tr", data_symbol="TAO")
    cells = squash(tao.text)
    assert "$164.00" in cells
    assert f"{MINUS}23.41 %" in cells  # a real minus sign
    assert "▼" in cells  # readable without colour
    assert "$147.00" in cells  # its 7-day low
    assert find(response.content, tag="a", href="/tokens/TAO/")


def test_the_sector_card_shows_total_cap_changes_and_members_far_below_their_high(client, seeded):
    metrics = TokenList.objects.select_related("metrics").get(slug="ai").metrics

    card = squash(find(client.get("/").content, id="sector-card").text)

    assert "Total market cap" in card
    billions = f"${metrics.total_market_cap_usd / 1e9:.2f}B"
    assert billions in card
    assert f"{metrics.cap_change_7d * 100:.2f}".replace("-", MINUS) in card
    assert f"{metrics.equal_weight_change_24h * 100:.2f}".replace("-", MINUS) in card
    assert "6 of 6 members are 20 % or more below their all-time high" in card


def test_the_bitcoin_card_shows_price_change_and_distance_to_its_30_day_low(client, seeded):
    btc = TokenMetrics.objects.get(token__symbol="BTC")
    above_low = btc.price_usd / btc.low_30d_usd - 1

    card = squash(find(client.get("/").content, id="btc-card").text)

    assert "$63,450.00" in card
    assert f"{abs(btc.change_24h) * 100:.2f} %" in card
    assert f"+{above_low * 100:.2f} %" in card
    assert "$59,850.00" in card  # the 30-day low


def test_members_are_listed_in_the_lists_order_by_default(client, seeded):
    assert row_symbols(client.get("/").content) == DEMO_ORDER


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sorting_by_7_day_change_reorders_the_rows(client, seeded, direction):
    metrics = ai_metrics()
    expected = sorted(metrics, key=lambda s: metrics[s].change_7d, reverse=direction == "desc")

    response = client.get(f"/?sort=change_7d&dir={direction}")

    assert row_symbols(response.content) == expected
    header = find(response.content, tag="th", aria_sort=True)
    assert header.attrs["aria-sort"] == ("ascending" if direction == "asc" else "descending")
    assert "7d" in header.text


def test_the_sorted_column_header_links_to_the_opposite_direction(client, seeded):
    content = client.get("/?sort=change_7d&dir=asc").content
    header = find(content, tag="th", aria_sort="ascending")
    link = header.children[0]
    assert link.attrs["href"] == "/?sort=change_7d&dir=desc"
    assert link.attrs["hx-get"] == link.attrs["href"]
    assert link.attrs["hx-target"] == "#members"
    assert link.attrs["hx-push-url"] == "true"


@pytest.mark.parametrize(
    "query",
    ["?sort=drop_table", "?sort=__class__&dir=asc", "?sort=&dir=desc", "?sort=token__name"],
)
def test_an_unknown_sort_key_falls_back_to_the_default_order(client, seeded, query):
    response = client.get(f"/{query}")
    assert response.status_code == 200
    assert row_symbols(response.content) == DEMO_ORDER
    assert not find_all(response.content, tag="th", aria_sort=True)


def test_an_unknown_direction_sorts_ascending(client, seeded):
    metrics = ai_metrics()
    expected = sorted(metrics, key=lambda s: metrics[s].price_usd)
    assert row_symbols(client.get("/?sort=price_usd&dir=sideways").content) == expected


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_members_without_metrics_sort_last_in_both_directions(client, seeded, direction):
    ai = TokenList.objects.get(slug="ai")
    MembershipFactory(token_list=ai, token=TokenFactory(symbol="NEWAI"), position=0)

    symbols = row_symbols(client.get(f"/?sort=change_24h&dir={direction}").content)

    assert symbols[-1] == "NEWAI"
    assert len(symbols) == 7


def test_an_htmx_request_gets_only_the_members_partial(client, seeded):
    response = client.get("/?sort=change_7d&dir=desc", headers={"HX-Request": "true"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "<body" not in content
    assert content.strip().startswith('<div id="members"')
    assert "HX-Request" in response["Vary"]
    assert row_symbols(content)[0] == "AKT"  # -21.5 %: the smallest fall comes first


def test_an_htmx_history_restore_gets_the_whole_page(client, seeded):
    response = client.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert b"<html" in response.content


def test_the_live_refresh_polls_the_same_url_with_the_current_sort(client, seeded, settings):
    settings.LIVE_POLL_SECONDS = 45
    content = client.get("/?sort=change_7d&dir=desc").content

    members = find(content, id="members")
    (poller,) = [e for e in descendants(members) if "hx-trigger" in e.attrs]

    assert poller.attrs["hx-get"] == "/?sort=change_7d&dir=desc"
    assert poller.attrs["href"] == poller.attrs["hx-get"]
    assert "every 45s" in poller.attrs["hx-trigger"]
    assert poller.attrs["hx-target"] == "#members"
    assert poller.attrs["hx-swap"] == "outerHTML"


def test_every_hx_get_also_has_an_href_so_it_works_without_javascript(client, seeded):
    for url, headers in [("/", {}), ("/?sort=symbol&dir=desc", {"HX-Request": "true"})]:
        elements = find_all(client.get(url, headers=headers).content, hx_get=True)
        assert len(elements) >= 13
        for element in elements:
            assert element.tag == "a"
            assert element.attrs.get("href") == element.attrs["hx-get"]


def test_for_signed_in_users_the_body_sends_the_csrf_token_with_every_htmx_request(
    client, seeded, django_user_model
):
    client.force_login(django_user_model.objects.create_user("ann", "ann@example.org", "pw"))
    body = find(client.get("/").content, tag="body")
    headers = json.loads(body.attrs["hx-headers"])
    assert len(headers["X-CSRFToken"]) >= 32


def test_anonymous_pages_carry_no_csrf_token_they_are_shared(client, seeded):
    response = client.get("/")
    assert "hx-headers" not in find(response.content, tag="body").attrs
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_the_members_table_is_accessible_markup(client, seeded):
    content = client.get("/").content
    table = find(content, tag="table", class_="members")
    assert any(child.tag == "caption" for child in table.children)
    headers = find_all(content, tag="th", scope="col")
    assert len(headers) == 14
    row_headers = find_all(content, tag="th", scope="row")
    assert [squash(th.text).split()[0] for th in row_headers] == DEMO_ORDER


def test_each_member_has_a_7_day_sparkline(client, seeded):
    content = client.get("/").content
    for symbol in DEMO_ORDER:
        row = find(content, tag="tr", data_symbol=symbol)
        svg = [e for e in descendants(row) if e.tag == "svg"]
        assert len(svg) == 1
        polyline = next(e for e in descendants(svg[0]) if e.tag == "polyline")
        assert len(polyline.attrs["points"].split()) == 7 * 24 + 1


def test_the_page_has_a_title_main_navigation_and_language(client, seeded):
    content = client.get("/").content
    assert "Dashboard" in find(content, tag="title").text
    assert find(content, tag="html").attrs["lang"] == "en"
    assert find(content, tag="main")
    nav = squash(find(content, tag="nav").text)
    for label in ("Dashboard", "Lists", "API docs"):
        assert label in nav
    assert "Admin" not in nav
    assert find(content, tag="a", href="/api/docs/")


def test_staff_see_the_admin_link(client, seeded, admin_user):
    client.force_login(admin_user)
    assert "Admin" in squash(find(client.get("/").content, tag="nav").text)


def test_the_market_cap_chart_gets_the_lists_cap_series_and_its_drawdown(client, seeded):
    content = client.get("/").content
    chart = find(content, id="cap-chart")
    assert chart.attrs["data-points"] == "0"  # set by charts.js after drawing
    data = json.loads(find(content, tag="script", id="cap-chart-data").text)
    assert 0 < data["count"] <= 1000
    assert len(data["cap"]) == len(data["drawdown"]) == data["count"]
    assert all(d <= 0 for _, d in data["drawdown"])
    assert find(content, tag="script", src=True, defer=True)


def test_demo_mode_shows_the_reconstruction_banner(client, seeded, settings):
    settings.PRICE_PROVIDER = "demo"
    banner = find(client.get("/").content, class_="demo-banner")
    assert squash(banner.text) == (
        "Demo data: a reconstruction of the February 2026 episode from a news article's "
        "figures, not market data."
    )


def test_the_demo_banner_is_a_named_region_that_landmark_navigation_reaches(
    client, seeded, settings
):
    # Between the header and <main>, outside every landmark, a screen reader moving by
    # landmarks (or "skip to content") passed over the warning that the figures are not real.
    settings.PRICE_PROVIDER = "demo"
    banner = find(client.get("/").content, class_="demo-banner")
    assert banner.tag == "section" and banner.attrs.get("aria-label") == "Demo data"


def test_live_data_from_coingecko_has_no_demo_banner(client, seeded, settings):
    settings.PRICE_PROVIDER = "coingecko"
    assert b"Demo data" not in client.get("/").content


def test_without_a_featured_list_the_dashboard_says_so(client, empty):
    response = client.get("/")
    assert response.status_code == 200
    assert "No token list is featured on the dashboard yet." in response.content.decode()
    assert find(response.content, tag="a", href="/lists/")


def test_a_featured_list_without_prices_yet_shows_empty_cards(client, empty):
    ai = TokenListFactory(slug="ai", name="AI tokens", is_featured=True)
    MembershipFactory(token_list=ai, token=TokenFactory(symbol="TAO"))

    response = client.get("/")

    assert response.status_code == 200
    text = squash(response.content.decode())
    assert "No sector figures yet" in text
    assert "No Bitcoin prices yet." in text
    assert row_symbols(response.content) == ["TAO"]


def test_the_featured_list_cannot_be_unpublished_so_the_dashboard_keeps_it(client, seeded):
    before = row_symbols(client.get("/").content)
    with pytest.raises(IntegrityError), transaction.atomic():
        TokenList.objects.filter(slug="ai").update(is_public=False)
    assert row_symbols(client.get("/").content) == before != []


@pytest.mark.parametrize("htmx", [False, True])
def test_the_dashboard_runs_the_same_queries_for_5_and_for_50_members(
    client, empty, htmx, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs, not what the cache saves
    headers = {"HX-Request": "true"} if htmx else {}
    counts = []
    for size in (5, 50):
        TokenList.objects.all().delete()  # one featured list at a time
        symbols = build_list(size, slug=f"l{size}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/?sort=change_7d&dir=desc", headers=headers)
        assert len(row_symbols(response.content)) == len(symbols)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # markets' own queries (the Fear & Greed gauge's included); apps filling slots, badges
    # and chart events pin theirs (tests/discussions, tests/episodes)
    own = [q for q in queries if "discussions_" not in q["sql"] and "episodes_" not in q["sql"]]
    # (+1 without its cached cap chart: the series is read only to draw it; htmx never)
    assert len(own) <= (5 if htmx else 6)


def test_the_live_partial_does_not_load_the_cap_series_it_does_not_show(client, seeded):
    with CaptureQueriesContext(connection) as queries:
        client.get("/", headers={"HX-Request": "true"})
    list_query = next(q["sql"] for q in queries if "markets_tokenlist" in q["sql"])
    assert "cap_series" not in list_query
