"""French and English: the browser's language, the switcher, translated text and numbers."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from tests.markets.pages.html import MINUS, descendants, find, find_all, squash


def test_a_french_browser_gets_the_dashboard_in_french(client, seeded):
    response = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})

    content = response.content
    assert find(content, tag="html").attrs["lang"] == "fr"
    assert "Tableau de bord" in find(content, tag="title").text
    tao = squash(find(content, tag="tr", data_symbol="TAO").text)
    assert "164,00 $" in tao
    assert f"{MINUS}23,41 %" in tao
    assert "1,57 Md $" in tao  # like the charts (Intl): one spelling everywhere
    sector = squash(find(content, id="sector-card").text)
    assert "Capitalisation totale" in sector
    assert "6 sur 6 membres sont à 20 % ou plus sous leur plus haut historique" in sector
    assert "63 450,00 $" in squash(find(content, id="btc-card").text)
    assert squash(find(content, class_="demo-banner").text).startswith(
        "Données de démonstration : une reconstitution de l"
    )
    assert "Content-Language" not in response or response["Content-Language"] == "fr"


def test_an_english_browser_gets_english_text_and_numbers(client, seeded):
    content = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).content

    assert find(content, tag="html").attrs["lang"] == "en"
    tao = squash(find(content, tag="tr", data_symbol="TAO").text)
    assert "$164.00" in tao
    assert "164,00" not in tao
    assert f"{MINUS}23.41 %" in tao
    assert "Dashboard" in find(content, tag="title").text


def test_the_language_cookie_chooses_french(client, seeded):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    content = client.get("/tokens/TAO/").content
    assert "Tous les indicateurs" in squash(find(content, id="token-metrics").text)
    assert "164,00 $" in squash(find(content, id="token-live").text)


def test_the_switcher_is_a_link_per_language_back_to_the_page(client, seeded):
    switch = find(client.get("/lists/ai/?sort=symbol&dir=desc").content, class_="lang-switch")
    assert switch.tag == "nav"
    links = [e for e in descendants(switch) if e.tag == "a"]
    assert [link.attrs["data-language"] for link in links] == ["en", "fr"]
    assert [link.attrs["hreflang"] for link in links] == ["en", "fr"]
    url = urlsplit(links[1].attrs["href"])
    assert url.path == "/i18n/switch/"
    assert parse_qs(url.query) == {"language": ["fr"], "next": ["/lists/ai/?sort=symbol&dir=desc"]}
    assert not [e for e in descendants(switch) if e.tag in ("form", "input", "button")]


def test_the_switcher_sets_the_language_and_returns_to_the_page(client, seeded):
    french = find(client.get("/lists/ai/").content, tag="a", data_language="fr")

    response = client.get(french.attrs["href"])

    assert response.status_code == 302
    assert response["Location"] == "/lists/ai/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    content = client.get("/lists/ai/").content
    assert find(content, tag="html").attrs["lang"] == "fr"
    assert "Membres de la liste « Tokens IA »" in squash(find(content, tag="caption").text)
    current = find(content, tag="a", aria_current="true")
    assert current.attrs["data-language"] == "fr"


def test_the_token_page_in_french_translates_labels_dates_and_definitions(client, seeded):
    content = client.get("/tokens/TAO/", headers={"Accept-Language": "fr"}).content

    # Demo data show their date: the episode's time is not today (markets/clock.py).
    assert squash(find(content, tag="p", class_="freshness").text) == (
        "à jour au 6 février 2026, 12:00 UTC"
    )
    turnover = find(content, tag="tr", data_metric="turnover")
    (abbr,) = [e for e in descendants(turnover) if e.tag == "abbr"]
    assert abbr.text == "Rotation"
    assert abbr.attrs["title"] == "Volume sur 24 heures divisé par la capitalisation."
    assert "21,00 %" in squash(turnover.text)
    ranges = [squash(a.text) for a in find_all(content, tag="a", data_range=True)]
    assert ranges == ["24 h", "7 j", "30 j", "90 j", "1 an", "Tout"]
    assert "Prix et repli" in squash(content.decode())


def test_a_french_sort_keeps_french_in_the_htmx_partial(client, seeded):
    response = client.get(
        "/?sort=change_7d&dir=asc", headers={"Accept-Language": "fr", "HX-Request": "true"}
    )
    caption = squash(find(response.content, tag="caption").text)
    assert caption.endswith("triés par 7 j, ordre croissant")
    assert "Accept-Language" in response["Vary"]


def test_chart_json_errors_are_in_the_users_language(client, seeded):
    response = client.get("/tokens/TAO/chart.json?range=2w", headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("Période «\u202f2w\u202f» inconnue")


@pytest.mark.parametrize("path", ["/", "/lists/", "/lists/ai/", "/tokens/TAO/"])
def test_no_english_page_text_is_left_on_french_pages(client, seeded, path):
    content = client.get(path, headers={"Accept-Language": "fr"}).content.decode()
    text = squash(re.sub(r"<script.*?</script>|<[^>]+>", " ", content, flags=re.S))
    for english in ("Dashboard", "Lists", "Refresh", "Total market cap", "Members of",
                    "as of", "Price", "Stale", "Demo data", "Skip to content"):  # fmt: skip
        assert english not in text, f"{english!r} untranslated on {path}"


def test_every_string_of_the_pages_has_a_french_translation():
    po = Path(settings.BASE_DIR, "locale", "fr", "LC_MESSAGES", "django.po").read_text("utf-8")
    entries = po.split("\n\n")[1:]
    untranslated = []
    for entry in entries:
        ours = re.search(r"#: .*(templates|templatetags|markets/views\.py)", entry)
        # An empty msgstr has no continuation line (a long translation starts with "" too).
        empty = re.search(r'^msgstr(\[\d\])? ""$(?!\n")', entry, re.M)
        if ours and empty and "#, fuzzy" not in entry:
            untranslated.append(entry)
        assert "#, fuzzy" not in entry, entry
    assert untranslated == []


def test_the_replay_control_and_banner_write_months_the_french_way(client, seeded):
    # Django's "M" gave "6 Fév 2026" in French, and "Jui" for both June and July.
    headers = {"Accept-Language": "fr"}
    control = squash(find(client.get("/", headers=headers).content, class_="replay-control").text)
    assert "6 février 2026, 12:00 UTC" in control
    assert "Fév" not in control
    banner = find(
        client.get("/?at=2026-02-05T14:00Z", headers=headers).content, class_="replay-banner"
    )
    assert "Au 5 février 2026, 14:00 UTC (rejeu)" in squash(banner.text)


def test_the_replay_control_writes_english_dates_as_other_pages_do(client, seeded):
    control = squash(find(client.get("/").content, class_="replay-control").text)
    assert "Feb. 6, 2026, 12:00 UTC" in control


def test_a_french_reader_sees_the_demo_lists_and_the_title_in_french(client, seeded):
    content = client.get("/", headers={"Accept-Language": "fr"}).content

    assert find(content, tag="title").text.startswith("Tableau de bord\u202f: Tokens IA")
    assert "Les tokens de l\u2019IA décentralisée" in squash(content.decode())
    assert "AI tokens" not in find(content, tag="main").text
