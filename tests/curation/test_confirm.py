"""Remove and "Put on the dashboard" on /curate/ ask first: a browser dialog with htmx
(hx-confirm), a confirmation page without JavaScript (the button's form is a GET that shows
it; only the POST changes anything)."""

from __future__ import annotations

import re

import pytest

from curation.models import CurationChange
from markets.models import TokenList
from tests.curation.conftest import order

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _form(html: str, action: str) -> str:
    """The opening tag of the list page's form posting to ``action`` (with htmx)."""
    return re.search(rf'<form[^>]*hx-post="{re.escape(action)}"[^>]*>', html).group(0)


def test_the_remove_button_asks_with_htmx_and_falls_back_to_a_confirmation_page(client, staff, ai):
    client.force_login(staff)
    html = client.get("/curate/").content.decode()
    form = _form(html, "/curate/lists/ai/members/remove/")
    assert 'method="get"' in form and 'action="/curate/lists/ai/members/remove/"' in form
    assert 'hx-confirm="Remove TAO from AI tokens?"' in form
    # No CSRF token in a GET form (it would end up in the address); htmx sends the header.
    body = html[html.index(form) : html.index("</form>", html.index(form))]
    assert "csrfmiddlewaretoken" not in body


def test_without_javascript_remove_shows_a_confirmation_page_that_changes_nothing(
    client, staff, ai
):
    client.force_login(staff)
    response = client.get("/curate/lists/ai/members/remove/", {"symbol": "tao"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Remove TAO from AI tokens?" in html
    start = html.index('<form method="post" action="/curate/lists/ai/members/remove/"')
    form = html[start : html.index("</form>", start)]
    assert 'name="symbol" value="TAO"' in form and "csrfmiddlewaretoken" in form
    assert 'href="/curate/#list-ai"' in html  # cancel
    assert order(ai) == ["TAO", "NEAR", "ICP"] and not CurationChange.objects.exists()

    client.post("/curate/lists/ai/members/remove/", {"symbol": "TAO"})
    assert order(ai) == ["NEAR", "ICP"]


def test_confirming_the_removal_of_a_token_no_longer_in_the_list_says_so(client, staff, ai):
    client.force_login(staff)
    response = client.get("/curate/lists/ai/members/remove/", {"symbol": "BTC"}, follow=True)
    assert response.redirect_chain[-1][0] == "/curate/#list-ai"
    assert "BTC is not in this list." in response.content.decode()
    assert client.get("/curate/lists/nope/members/remove/", {"symbol": "TAO"}).status_code == 404


def test_put_on_the_dashboard_asks_with_htmx_and_falls_back_to_a_confirmation_page(
    client, staff, ai
):
    TokenList.objects.create(slug="old", name="Old one", is_featured=True, is_public=True)
    client.force_login(staff)
    html = client.get("/curate/").content.decode()
    form = _form(html, "/curate/lists/ai/feature/")
    assert 'method="get"' in form and 'hx-confirm="Put AI tokens on the dashboard' in form

    response = client.get("/curate/lists/ai/feature/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Put AI tokens on the dashboard?" in page
    assert "Old one" in page  # what it replaces
    assert '<form method="post" action="/curate/lists/ai/feature/"' in page
    assert TokenList.objects.get(is_featured=True).slug == "old"


def test_put_on_the_dashboard_with_htmx_reloads_the_page_once_done(client, staff, ai):
    client.force_login(staff)
    response = client.post("/curate/lists/ai/feature/", **HX)
    assert response["HX-Refresh"] == "true"
    ai.refresh_from_db()
    assert ai.is_featured and ai.is_public


def test_the_confirmation_pages_are_a_404_for_everyone_but_staff(client, alice, ai):
    for url in ["/curate/lists/ai/members/remove/?symbol=TAO", "/curate/lists/ai/feature/"]:
        assert client.get(url).status_code == 404
        client.force_login(alice)
        assert client.get(url).status_code == 404
        client.logout()


def test_the_confirmations_speak_french_to_french_staff(client, staff, ai):
    client.force_login(staff)
    fr = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    page = client.get("/curate/lists/ai/members/remove/", {"symbol": "TAO"}, **fr)
    assert (
        "Retirer TAO de la liste \u00ab\u202fTokens IA\u202f\u00bb\u202f?" in page.content.decode()
    )
    page = client.get("/curate/lists/ai/feature/", **fr).content.decode()
    assert "Mettre la liste \u00ab\u202fTokens IA\u202f\u00bb sur le tableau de bord\u202f?" in page
