"""Staff curate episodes, events, levels and facts in the admin, French beside English."""

from __future__ import annotations

import pytest

from tests.episodes.conftest import START


@pytest.mark.parametrize("model", ["episode", "event", "level", "marketfact"])
def test_staff_open_the_list_and_the_form_of_each_model(client, story, staff, model):
    client.force_login(staff)
    assert client.get(f"/admin/episodes/{model}/").status_code == 200
    form = client.get(f"/admin/episodes/{model}/add/")
    assert form.status_code == 200


def test_the_episode_form_has_the_french_fields_and_its_facts(client, story, staff):
    client.force_login(staff)
    html = client.get(f"/admin/episodes/episode/{story.pk}/change/").content.decode()
    assert 'name="title_fr"' in html and 'name="summary_fr"' in html
    assert "facts-TOTAL_FORMS" in html


def test_staff_add_an_event_with_its_tokens(client, story, staff):
    from episodes.models import Event
    from markets.models import Token

    client.force_login(staff)
    response = client.post("/admin/episodes/event/add/", {
        "at_0": START.strftime("%Y-%m-%d"), "at_1": "12:00:00", "title": "Crash",
        "title_fr": "Krach", "tokens": [Token.objects.get(symbol="BTC").pk],
        "description": "", "description_fr": "", "url": "",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.get().title_fr == "Krach"


@pytest.mark.parametrize(
    ("model", "french"),
    [
        ("episode", ["Ajout de épisode", "Anglais", "Français", "Début de la fenêtre"]),
        ("event", ["événement", "Lien facultatif pour en savoir plus", "Tokens"]),
        ("level", ["niveau de prix", "Bas de la bande, en USD", "Libellé"]),
        ("marketfact", ["fait de marché", "Dollars US", "Qui le rapporte"]),
    ],
)
def test_the_add_pages_speak_french_to_a_french_curator(admin_client, settings, model, french):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    html = admin_client.get(f"/admin/episodes/{model}/add/").content.decode()

    for text in french:
        assert text in html, text


def test_the_admin_names_the_episodes_section_in_french(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    html = admin_client.get("/admin/episodes/").content.decode()

    assert "Administration de Épisodes" in html
    assert ">Episodes<" not in html
