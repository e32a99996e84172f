"""Staff look at watchlists in the admin (read-only), in their own language."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from watchlists import services

pytestmark = pytest.mark.django_db


def _headers(html: str) -> dict[str, str]:
    """The list page's column headers, {field: title}, sortable or not."""
    pattern = r'column-(\w+)">\s*(?:<div class="text">)?(?:<a [^>]*>|<span>)([^<]+)<'
    return dict(re.findall(pattern, html))


def test_the_french_admin_names_watchlists_their_fields_and_lots_in_french(
    client, settings, alice, staff, tao
):
    watchlist = services.watchlist_create(owner=alice, name="AI bags")
    services.watchlist_add_token(watchlist=watchlist, symbol="TAO")
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    index = client.get("/admin/").content.decode()
    assert "Listes de suivi" in index and ">Watchlists<" not in index
    html = client.get("/admin/watchlists/watchlist/").content.decode()
    assert {
        "name": "Nom",
        "owner": "Propriétaire",
        "items_count": "Tokens",
        "is_public": "Publique",
        "show_amounts": "Montants visibles",
        "updated_at": "Mis à jour le",
    }.items() <= _headers(html).items(), _headers(html)
    item = watchlist.items.get()
    page = client.get(f"/admin/watchlists/watchlistitem/{item.pk}/change/").content.decode()
    for french in ("Ajouté le", "Quantité", "Coût unitaire (USD)", "Date d\u2019achat"):
        assert french in page, french
    assert "Cost basis usd" not in page and "Added at" not in page


def test_the_verbose_names_are_recorded_in_the_migrations():
    call_command("makemigrations", "watchlists", check=True, dry_run=True, verbosity=0)
