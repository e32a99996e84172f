"""/lists/ and /lists/<slug>/: public lists only, the dashboard's view for any of them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets.models import TokenList
from tests.factories import TokenListFactory
from tests.markets.pages.conftest import build_list
from tests.markets.pages.html import find, find_all, row_symbols, squash


def test_the_lists_page_shows_every_public_list_with_its_figures(client, seeded):
    TokenListFactory(slug="secret", name="Secret list", is_public=False)

    response = client.get("/lists/")

    assert response.status_code == 200
    slugs = [li.attrs["data-slug"] for li in find_all(response.content, tag="li", data_slug=True)]
    assert slugs == ["ai-equities", "ai", "benchmarks"]  # by name: "AI equities", "AI tokens"…
    assert find(response.content, tag="a", href="/lists/ai/")
    text = squash(response.content.decode())
    assert "On the dashboard" in text
    assert "Secret list" not in text
    assert "Token lists" in find(response.content, tag="title").text


def test_a_list_page_shows_that_lists_members_like_the_dashboard(client, seeded):
    response = client.get("/lists/benchmarks/")

    assert response.status_code == 200
    assert row_symbols(response.content) == ["BTC", "ETH"]
    assert "Benchmarks" in find(response.content, tag="h1").text
    assert "Benchmarks" in find(response.content, tag="title").text
    assert find(response.content, id="sector-card")
    assert find(response.content, id="btc-card")
    assert find(response.content, id="cap-chart")


def test_a_list_page_sorts_its_members(client, seeded):
    content = client.get("/lists/ai/?sort=symbol&dir=desc").content
    assert row_symbols(content) == ["TAO", "RENDER", "NEAR", "ICP", "FET", "AKT"]
    link = find(content, tag="th", aria_sort="descending").children[0]
    assert link.attrs["href"] == "/lists/ai/?sort=symbol&dir=asc"
    assert link.attrs["hx-get"] == link.attrs["href"]


def test_a_list_page_answers_htmx_with_its_members_partial(client, seeded):
    response = client.get("/lists/ai/?sort=price_usd&dir=desc", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content
    assert row_symbols(content)[0] == "TAO"
    poller = find(content, tag="a", hx_trigger=True)
    assert poller.attrs["hx-get"] == "/lists/ai/?sort=price_usd&dir=desc"


def test_an_unknown_list_is_not_found(client, seeded):
    assert client.get("/lists/no-such-list/").status_code == 404


def test_a_list_that_is_not_public_is_not_found(client, seeded):
    TokenList.objects.filter(slug="benchmarks").update(is_public=False)
    assert client.get("/lists/benchmarks/").status_code == 404


def test_every_hx_get_on_a_list_page_also_has_an_href(client, seeded):
    for element in find_all(client.get("/lists/benchmarks/").content, hx_get=True):
        assert element.attrs["href"] == element.attrs["hx-get"]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_list_page_runs_the_same_queries_for_5_and_for_50_members(client, empty, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    counts = []
    for size in (5, 50):
        slug = f"list{size}"
        symbols = build_list(size, slug=slug, featured=False)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/lists/{slug}/?sort=drawdown_from_ath", headers=headers)
        assert response.status_code == 200
        assert sorted(row_symbols(response.content)) == sorted(symbols)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # markets' own queries; apps filling slots, badges and chart events pin theirs
    # (tests/discussions, tests/episodes)
    own = [q for q in queries if "discussions_" not in q["sql"] and "episodes_" not in q["sql"]]
    # (+1 without its cached cap chart: the series is read only to draw it; htmx never)
    assert len(own) <= (4 if htmx else 5)


@pytest.mark.parametrize(
    ("language", "status", "card"),
    [("en", "This list has no members yet.", "No sector figures: the list has no members yet."),
     ("fr", "Cette liste n\u2019a pas encore de membres.",
      "Pas de chiffres pour le secteur\u202f: la liste n\u2019a pas encore de membres.")],
)  # fmt: skip
def test_a_list_without_members_says_so_not_that_prices_are_missing(
    client, seeded, language, status, card
):
    """A new, empty curated list read "No prices stored yet." and "No sector figures yet:
    they appear after the first price refresh.", which no refresh would change."""
    TokenListFactory(slug="new-sector", name="New sector", is_public=True)

    content = client.get("/lists/new-sector/", headers={"Accept-Language": language}).content

    assert squash(find(content, tag="p", class_="freshness freshness--empty").text) == squash(
        status
    )
    assert squash(find(content, tag="p", class_="card__empty").text) == squash(card)
    assert "No prices stored yet." not in content.decode()
