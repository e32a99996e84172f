"""The API's own "not found" messages speak the client's language, as DRF's do."""

import pytest

pytestmark = pytest.mark.django_db

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.mark.parametrize(
    ("path", "english", "french"),
    [
        ("/api/v1/tokens/NOPE/", "No token with symbol 'NOPE'.", "Aucun token de symbole 'NOPE'."),
        ("/api/v1/lists/nope/", "No public list 'nope'.", "Aucune liste publique 'nope'."),
        ("/api/v1/watchlists/999/", "No watchlist 999.", "Aucune liste de suivi 999."),
        ("/api/v1/alerts/999/", "No alert 999.", "Aucune alerte 999."),
        ("/api/v1/watchlists/abc/", "No such watchlist.", "Liste de suivi introuvable."),
    ],
)
def test_a_missing_object_is_named_in_the_clients_language(
    api_client, alice, path, english, french
):
    api_client.force_authenticate(alice)

    in_english = api_client.get(path)
    in_french = api_client.get(path, **FR)

    assert in_english.status_code == in_french.status_code == 404
    assert in_english.json()["detail"] == english
    assert in_french.json()["detail"] == french


def test_an_unknown_list_filter_is_refused_in_the_clients_language(api_client):
    response = api_client.get("/api/v1/tokens/?list=nope", **FR)

    assert response.status_code == 400
    assert "Aucune liste publique 'nope'." in str(response.json())


@pytest.mark.parametrize(
    ("query", "name", "french"),
    [
        (
            "/api/v1/tokens/?page=0",
            "page",
            "Un numéro de page à partir de 1, ou «\u202flast\u202f».",
        ),
        ("/api/v1/tokens/?page_size=0", "page_size", "Un entier positif est requis."),
        (
            "/api/v1/tokens/?page_size=500",
            "page_size",
            "Assurez-vous que cette valeur est inférieure ou égale à 200.",
        ),
        ("/api/v1/tokens/TAO/snapshots/?cursor=zz", "cursor", "Curseur invalide."),
        (
            "/api/v1/tokens/TAO/snapshots/?format=",
            "format",
            "Ne peut pas être vide\u202f; utilisez l\u2019un de\u202f: json, csv.",
        ),
        (
            "/api/v1/tokens/TAO/snapshots/?format=xml",
            "format",
            "Format inconnu 'xml'\u202f; utilisez l\u2019un de\u202f: json, csv.",
        ),
    ],
)
def test_a_bad_page_cursor_or_format_is_refused_in_the_clients_language(
    api_client, query, name, french
):
    from tests.factories import TokenFactory

    TokenFactory(symbol="TAO")

    response = api_client.get(query, **FR)

    assert response.status_code == 400
    assert response.json()["errors"] == {name: [french]}


def test_a_bad_page_says_last_is_accepted_too_in_english(api_client, db):
    response = api_client.get("/api/v1/tokens/?page=x")

    assert response.json()["errors"] == {"page": ["A page number from 1, or 'last'."]}


def test_a_session_write_without_csrf_token_is_refused_in_the_clients_language(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(
        "/api/v1/watchlists/", {"name": "x"}, content_type="application/json", **FR
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Échec de la vérification CSRF\u202f: envoyez la valeur du cookie csrftoken "
        "dans l\u2019en-tête X-CSRFToken."
    }


@pytest.mark.parametrize(
    ("path", "body", "english", "french"),
    [
        (
            "/api/v1/watchlists/",
            '{"name":',
            "JSON parse error - a value was expected (line 1, column 9).",
            "Erreur d\u2019analyse JSON - une valeur était attendue (ligne 1, colonne 9).",
        ),
        (
            "/api/v1/watchlists/{id}/items/",  # the parser that keeps every digit
            '{"symbol": "TAO",}',
            "JSON parse error - a name in double quotes was expected (line 1, column 18).",
            "Erreur d\u2019analyse JSON - un nom entre guillemets droits était attendu "
            "(ligne 1, colonne 18).",
        ),
    ],
)
def test_a_malformed_json_body_is_refused_in_the_clients_language(
    api_client, alice, tao, path, body, english, french
):
    """Python's decoder explains in English only ("Expecting value: line 1 column 9 (char
    8)"): a French client read that in an otherwise French answer."""
    from watchlists.models import Watchlist

    watchlist = Watchlist.objects.create(owner=alice, name="Bags")
    api_client.force_authenticate(alice)
    url = path.format(id=watchlist.pk)

    in_english = api_client.post(url, data=body, content_type="application/json")
    in_french = api_client.post(url, data=body, content_type="application/json", **FR)

    assert in_english.status_code == in_french.status_code == 400
    assert in_english.json() == {"detail": english, "errors": {"body": [english]}}
    assert in_french.json() == {"detail": french, "errors": {"body": [french]}}
