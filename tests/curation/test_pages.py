"""/curate/: staff only (a 404 for everyone else), htmx in place, plain forms without it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curation.models import CurationChange, TokenAddJob
from markets.models import ListMetrics, Token, TokenList, TokenListMembership
from markets.providers.base import Quote
from markets.providers.catalogue import CatalogueEntry
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from tests.curation.conftest import order
from tests.factories import TokenFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PAGES = ["/curate/", "/curate/lists/ai/catalogue/?q=tao", "/curate/jobs/{job}/"]
POSTS = [
    ("/curate/lists/", {"name": "New"}),
    ("/curate/lists/ai/", {"name": "Renamed"}),
    ("/curate/lists/ai/feature/", {}),
    ("/curate/lists/ai/members/", {"symbol": "TAO"}),
    ("/curate/lists/ai/members/remove/", {"symbol": "TAO"}),
    ("/curate/lists/ai/members/move/", {"symbol": "TAO", "direction": "down"}),
    ("/curate/lists/ai/members/order/", {"order": "ICP,NEAR,TAO"}),
    ("/curate/lists/ai/catalogue/add/", {"coingecko_id": "x", "symbol": "X", "name": "X"}),
    ("/curate/jobs/{job}/retry/", {}),
]


@pytest.fixture
def job(ai, tao, staff):
    return TokenAddJob.objects.create(
        token=tao, token_list=ai, requested_by=staff, status="failed", progress=100,
        message="HTTP 429",
    )  # fmt: skip


@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_nobody_but_staff_sees_or_changes_anything(client, request, who, ai, job):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url in PAGES:
        assert client.get(url.format(job=job.pk)).status_code == 404, url
    for url, data in POSTS:
        assert client.post(url.format(job=job.pk), data).status_code == 404, url
    assert order(ai) == ["TAO", "NEAR", "ICP"] and not CurationChange.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_the_post_only_addresses_are_a_404_too_not_a_405_that_tells_they_exist(
    client, request, who, ai, job
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url, _data in POSTS:
        assert client.get(url.format(job=job.pk)).status_code == 404, url
    for url in PAGES:
        assert client.put(url.format(job=job.pk)).status_code == 404, url


def test_staff_see_every_list_with_its_members_and_both_names(client, staff, ai):
    TokenList.objects.create(slug="hidden", name="Hidden", is_public=False)
    client.force_login(staff)
    html = client.get("/curate/").content.decode()
    assert 'id="list-ai"' in html and 'id="list-hidden"' in html
    assert 'value="Tokens IA"' in html and "Unpublished" in html
    assert html.index('data-symbol="TAO"') < html.index('data-symbol="NEAR"')


def test_a_drop_posts_the_new_order_and_gets_the_list_back(client, staff, ai):
    client.force_login(staff)
    response = client.post("/curate/lists/ai/members/order/", {"order": "ICP,TAO,NEAR"}, **HX)
    html = response.content.decode()
    assert (response.status_code == 200 and html.startswith('\n<section id="list-ai"')) or (
        'id="list-ai"' in html and "<html" not in html)  # fmt: skip
    assert "New order saved." in html
    assert order(ai) == ["ICP", "TAO", "NEAR"]


def test_without_javascript_a_form_redirects_back_with_a_message(client, staff, ai):
    client.force_login(staff)
    data = {"symbol": "ICP", "direction": "up"}
    response = client.post("/curate/lists/ai/members/move/", data, follow=True)
    assert response.redirect_chain[-1][0] == "/curate/#list-ai"
    assert order(ai) == ["TAO", "ICP", "NEAR"]


def test_a_bad_order_is_explained_in_place_and_changes_nothing(client, staff, ai):
    client.force_login(staff)
    response = client.post("/curate/lists/ai/members/order/", {"order": "TAO,ICP"}, **HX)
    assert "every member once" in response.content.decode()
    assert order(ai) == ["TAO", "NEAR", "ICP"]


def test_an_unknown_symbol_or_list_is_explained_or_a_404(client, staff, ai):
    client.force_login(staff)
    response = client.post("/curate/lists/ai/members/", {"symbol": "NOPE"}, **HX)
    assert "No token with this symbol." in response.content.decode()
    assert client.post("/curate/lists/nope/members/", {"symbol": "TAO"}).status_code == 404
    assert client.get("/curate/jobs/abc/").status_code == 404


def test_searching_the_demo_catalogue_offers_to_add_a_coin(client, staff, ai, settings):
    settings.PRICE_PROVIDER = "demo"
    client.force_login(staff)
    html = client.get("/curate/lists/ai/catalogue/", {"q": "render"}, **HX).content.decode()
    assert 'value="render-token"' in html and "Add to the list" in html
    assert "<html" not in html


def test_picking_a_coin_adds_it_and_shows_its_progress(client, staff, ai, settings, monkeypatch):
    monkeypatch.setattr("curation.tasks.token_add_backfill.delay", lambda _pk: None)
    client.force_login(staff)
    html = client.post("/curate/lists/ai/catalogue/add/", {
        "coingecko_id": "render-token", "symbol": "RENDER", "name": "Render"}, **HX
    ).content.decode()  # fmt: skip
    job = TokenAddJob.objects.get()
    assert f'id="job-{job.pk}"' in html and 'hx-trigger="every 1s"' in html
    assert order(ai)[-1] == "RENDER"


def test_a_finished_job_stops_polling_and_offers_a_retry_when_it_failed(client, staff, job):
    client.force_login(staff)
    response = client.get(f"/curate/jobs/{job.pk}/", **HX)
    html = response.content.decode()
    assert "every 1s" not in html and "Retry" in html and "HTTP 429" in html
    assert response["HX-Trigger"] == "curation-job-finished"


def test_the_page_costs_the_same_queries_for_5_or_50_members(client, staff, ai):
    client.force_login(staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/curate/").status_code == 200
        return len(ctx)

    few = queries()
    for i in range(47):
        TokenListMembership.objects.create(token_list=ai, token=TokenFactory(symbol=f"Z{i}"),
                                           position=10 + i)  # fmt: skip
    TokenList.objects.create(slug="more", name="More")
    assert queries() == few


def test_the_french_name_shows_on_the_public_pages_in_french(client, ai):
    english = client.get("/lists/ai/").content.decode()
    french = client.get("/lists/ai/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>AI tokens" in english and "<h1>Tokens IA" in french


def test_the_page_speaks_french_to_french_staff(client, staff, ai):
    client.force_login(staff)
    html = client.get("/curate/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Gérer les listes de tokens" in html and "Nouvelle liste" in html


def test_the_french_members_caption_names_the_list_in_quotes(client, staff, ai):
    # "Membres de Tokens IA" read wrongly ("de Actions de l'IA" for another list).
    client.force_login(staff)
    html = client.get("/curate/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Membres de la liste \u00ab\u202fTokens IA\u202f\u00bb, dans l\u2019ordre" in html


@pytest.mark.parametrize("symbol", ["B@D", "A/B", "..", "USD₮0"])
def test_a_coin_whose_symbol_no_url_can_route_is_refused_and_the_list_still_shows(
    client, staff, ai, symbol
):
    client.force_login(staff)
    ai.is_public = True
    ai.save()
    response = client.post("/curate/lists/ai/catalogue/add/", {
        "coingecko_id": "bad-coin", "symbol": symbol, "name": "Bad coin"}, follow=True
    )  # fmt: skip
    assert "cannot be a token symbol here" in response.content.decode()
    assert order(ai) == ["TAO", "NEAR", "ICP"] and not TokenAddJob.objects.exists()
    assert client.get("/lists/ai/").status_code == 200


@pytest.mark.parametrize("coin_id", ["render-token,near", "Render-Token", "render token"])
def test_an_id_not_spelt_like_a_coingecko_one_is_refused_as_the_admin_refuses_it(
    client, staff, ai, monkeypatch, coin_id
):
    """The admin's token form refuses such an id; the add from the catalogue stored it as
    posted, and "render-token,near" went out as two ids in /coins/markets' list (the token
    priced as another coin, or never)."""
    monkeypatch.setattr("curation.tasks.token_add_backfill.delay", lambda _pk: None)
    client.force_login(staff)
    response = client.post("/curate/lists/ai/catalogue/add/", {
        "coingecko_id": coin_id, "symbol": "RENDER", "name": "Render"}, follow=True
    )  # fmt: skip
    assert "Not a CoinGecko coin id" in response.content.decode()
    client.cookies["django_language"] = "fr"
    french = client.post("/curate/lists/ai/catalogue/add/", {
        "coingecko_id": coin_id, "symbol": "RENDER", "name": "Render"}, follow=True
    )  # fmt: skip
    assert "identifiant de coin CoinGecko" in french.content.decode()
    assert not Token.objects.filter(symbol="RENDER").exists()
    assert order(ai) == ["TAO", "NEAR", "ICP"] and not TokenAddJob.objects.exists()


def test_the_catalogue_explains_why_a_coin_cannot_be_added(client, staff, ai, monkeypatch):
    entries = [CatalogueEntry("usdt0", "USD₮0", "USDT0"),
               CatalogueEntry("tether", "USDT", "Tether")]  # fmt: skip
    monkeypatch.setattr("curation.views.catalogue_search", lambda **_kw: entries)
    client.force_login(staff)
    html = client.get("/curate/lists/ai/catalogue/", {"q": "usd"}, **HX).content.decode()
    assert "“USD₮0” cannot be a token symbol here" in html
    assert 'value="tether"' in html and 'value="usdt0"' not in html


def test_a_tracked_coin_is_added_and_named_by_its_own_symbol_not_the_providers(
    client, staff, ai, monkeypatch
):
    monkeypatch.setattr("curation.tasks.token_add_backfill.delay", lambda _pk: None)
    TokenFactory(symbol="USDT0", coingecko_id="usdt0")
    client.force_login(staff)
    response = client.post("/curate/lists/ai/catalogue/add/", {
        "coingecko_id": "usdt0", "symbol": "USD₮0", "name": "USDT0"}, follow=True
    )  # fmt: skip
    assert "USDT0 added; its history is being fetched." in response.content.decode()
    assert order(ai)[-1] == "USDT0"


@pytest.fixture
def solo(db, tao):
    """A public list whose only member, TAO, has a price and a market cap (metrics stored)."""
    token_list = TokenList.objects.create(slug="solo", name="Solo", is_public=True)
    TokenListMembership.objects.create(token_list=token_list, token=tao, position=0)
    snapshot_ingest(quotes=[Quote(tao.pk, 1_770_379_200, 10.0, 100.0)], source="test")
    metrics_recompute(token_ids=[tao.pk])
    assert ListMetrics.objects.get(token_list=token_list).members_count == 1
    return token_list


def test_removing_the_last_member_resets_the_lists_metrics(
    client, staff, solo, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/curate/lists/solo/members/remove/", {"symbol": "TAO"})
    metrics = ListMetrics.objects.get(token_list=solo)
    assert (metrics.members_count, metrics.total_market_cap_usd, metrics.as_of) == (0, None, None)
    assert metrics.cap_series == []
    body = client.get("/api/v1/lists/solo/").json()
    assert body["members_count"] == body["metrics"]["members_count"] == 0


def test_a_slug_created_meanwhile_by_another_request_is_the_usual_form_error(
    client, staff, ai, monkeypatch
):
    # The other request inserted "ai" after this one checked: the check finds nothing.
    monkeypatch.setattr("django.db.models.query.QuerySet.exists", lambda _qs: False)
    client.force_login(staff)
    response = client.post("/curate/lists/", {"slug": "ai", "name": "Again"})
    assert response.status_code == 400
    assert "A list with this short name already exists." in response.content.decode()
    assert list(TokenList.objects.values_list("name", flat=True)) == ["AI tokens"]
    assert not CurationChange.objects.exists()


def test_a_list_whose_short_name_is_new_is_created_and_then_edited_like_any_other(client, staff):
    client.force_login(staff)
    client.post("/curate/lists/", {"name": "New", "slug": "new"})
    new = TokenList.objects.get()
    assert new.slug == "new"
    html = client.get("/curate/").content.decode()
    assert 'action="/curate/lists/new/"' in html  # the list's edit form

    response = client.post("/curate/lists/new/", {"name": "New listings", "description": "d"},
                           **HX)  # fmt: skip

    assert response.status_code == 200 and "Saved." in response.content.decode()
    assert list(TokenList.objects.values_list("slug", "name")) == [("new", "New listings")]


def test_a_change_on_the_curation_page_shows_at_once_on_cached_list_pages(
    client, staff, ai, settings, django_capture_on_commit_callbacks
):
    import re

    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 3600  # anonymous copies last until the data change
    ai.is_public = True
    ai.save()

    def rows() -> list[str]:
        html = client.get("/lists/ai/").content.decode()
        return re.findall(r'<tr[^>]*data-symbol="([A-Z]+)"', html)

    assert rows() == ["TAO", "NEAR", "ICP"]
    curator = Client()
    curator.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        curator.post("/curate/lists/ai/members/order/", {"order": "ICP,TAO,NEAR"}, **HX)
    assert rows() == ["ICP", "TAO", "NEAR"]
    with django_capture_on_commit_callbacks(execute=True):
        curator.post("/curate/lists/ai/", {"name": "AI tokens"}, **HX)  # unpublished
    assert client.get("/lists/ai/").status_code == 404


def test_the_catalogue_page_posts_its_picks_as_plain_forms_with_its_stylesheet(
    client, staff, ai, settings
):
    """On the catalogue's own page (no-JS fallback, or opened directly) the picks' htmx
    target, the curate page's list, does not exist: htmx refused to send ('targetError')
    and the button did nothing. The page turns htmx off for them and loads curation.css."""
    settings.PRICE_PROVIDER = "demo"
    client.force_login(staff)

    page = client.get("/curate/lists/ai/catalogue/", {"q": "render"}).content.decode()
    partial = client.get("/curate/lists/ai/catalogue/", {"q": "render"}, **HX).content.decode()

    results = page.split('<div class="cur-results"')[0].rsplit("<", 1)[1]
    assert "hx-disable" in results
    assert "curation/curation.css" in page
    assert "hx-disable" not in partial and 'hx-post="/curate/lists/ai/catalogue/add/"' in partial


def test_a_refused_new_list_keeps_what_was_typed_and_explains_it_beside_the_form(client, staff, ai):
    client.force_login(staff)
    typed = {
        "slug": "ai",
        "name": "Agents",
        "name_fr": "Agents IA",
        "description": "Agent tokens & co",
        "description_fr": "Les tokens d\u2019agents",
    }

    response = client.post("/curate/lists/", typed)

    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('action="/curate/lists/"')
    form = html[start : html.index("</form>", start)]
    assert "A list with this short name already exists." in form
    assert 'role="alert"' in form
    kept = ['value="ai"', 'value="Agents"', 'value="Agents IA"', ">Agent tokens &amp; co<",
            ">Les tokens d\u2019agents</textarea>"]  # fmt: skip
    assert [value for value in kept if value not in form] == []
    assert list(TokenList.objects.values_list("slug", flat=True)) == ["ai"]


@pytest.mark.parametrize("htmx", [True, False])
def test_a_refused_edit_keeps_what_was_typed_beside_the_reason(client, staff, ai, htmx):
    """Unticking "Published" on the dashboard's list is refused: the new French description
    typed with it was lost (the section came back with the stored values, folded)."""
    ai.is_featured, ai.is_public = True, True
    ai.save(update_fields=["is_featured", "is_public"])
    client.force_login(staff)
    data = {"name": "AI tokens", "name_fr": "Tokens IA", "description": "",
            "description_fr": "Une longue description tapée avec soin"}  # fmt: skip
    response = client.post("/curate/lists/ai/", data, **(HX if htmx else {}))
    assert response.status_code == (200 if htmx else 400)
    html = response.content.decode()
    assert "Une longue description tapée avec soin</textarea>" in html
    assert '<details class="cur-edit" open>' in html
    assert "must stay published" in html
    ai.refresh_from_db()
    assert (ai.description_fr, ai.is_public) == ("", True)


def test_a_change_by_staff_without_an_email_address_is_not_put_down_to_a_deleted_user(
    client, staff, ai
):
    """createsuperuser takes no email: the history said such a staff member's changes were
    a "deleted user"'s."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_user(
        "root", email="", password="pw", is_staff=True, display_name="Root"
    )
    client.force_login(admin)
    client.post("/curate/lists/ai/members/move/", {"symbol": "TAO", "direction": "down"})
    CurationChange.objects.create(actor=None, action="list_updated", token_list=ai)
    html = client.get("/curate/").content.decode()
    changes = html[html.index('id="changes"') :]
    assert "<strong>Root</strong> reordered the members" in changes
    assert changes.count("deleted user") == 1  # the change without its actor


def test_a_symbol_with_a_null_character_is_an_unknown_token_not_a_server_error(client, staff, ai):
    client.force_login(staff)
    for url in ["/curate/lists/ai/members/", "/curate/lists/ai/members/remove/"]:
        response = client.post(url, {"symbol": "TA\x00O"}, **HX)
        assert response.status_code == 200, url
        assert "No token with this symbol." in response.content.decode()
    response = client.get("/curate/lists/ai/members/remove/", {"symbol": "\x00"}, follow=True)
    assert response.status_code == 200 and "is not in this list." in response.content.decode()
    assert order(ai) == ["TAO", "NEAR", "ICP"]


def test_the_french_history_puts_a_narrow_no_break_space_before_the_details_colon(
    client, staff, ai
):
    client.force_login(staff)
    client.post("/curate/lists/ai/members/move/", {"symbol": "TAO", "direction": "down"})
    html = client.get("/curate/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'Tokens IA</a>\u202f: <span class="cur-detail">NEAR TAO ICP</span>' in html
    english = client.get("/curate/").content.decode()
    assert 'AI tokens</a>: <span class="cur-detail">NEAR TAO ICP</span>' in english


def test_the_history_follows_a_change_made_in_place(client, staff, ai):
    """After a change made with htmx the history below still showed the page's old state,
    though every change is said to be listed there."""
    client.force_login(staff)
    html = client.get("/curate/").content.decode()
    section = re.search(r'<section id="changes"[^>]*>', html).group(0)
    assert 'hx-trigger="curation-changed from:body"' in section
    assert 'hx-get="/curate/?page=1"' in section

    moved = client.post("/curate/lists/ai/members/move/", {"symbol": "TAO", "direction": "down"},
                        **HX)  # fmt: skip
    refused = client.post("/curate/lists/ai/members/", {"symbol": "NOPE"}, **HX)

    assert moved["HX-Trigger"] == "curation-changed"
    assert "HX-Trigger" not in refused


def test_the_history_names_the_edited_fields_in_the_readers_language(client, staff, ai):
    """ "Edited the list" showed the raw field names (``name, is_public``), in French too."""
    client.force_login(staff)
    client.post("/curate/lists/ai/", {"name": "AI coins", "name_fr": "Tokens IA"})

    english = client.get("/curate/").content.decode()
    french = client.get("/curate/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    detail = '<span class="cur-detail">{}</span>'
    assert detail.format("Name (English), Published (visible to everyone)") in english
    assert detail.format("Nom (anglais), Publiée (visible de tous)") in french
    assert "name, is_public" not in english + french


def test_the_history_names_fields_the_admin_changed_and_keeps_unknown_names(staff, ai):
    change = CurationChange.objects.create(
        actor=staff, action="list_updated", token_list=ai, detail="slug, is_featured, other"
    )
    assert change.detail_display == "Short name in the address, On the dashboard, other"
    member = CurationChange.objects.create(actor=staff, action="member_added", detail="TAO")
    assert member.detail_display == "TAO"


def test_the_new_list_form_lets_the_server_lower_case_a_pasted_short_name(client, staff, ai):
    """The short name's pattern refused capitals in the browser, though the server lower-cases
    it (and refuses one differing from another only by case): ``AI-X`` could not be sent."""
    client.force_login(staff)
    html = client.get("/curate/").content.decode()
    pattern = re.search(r'<input name="slug"[^>]*pattern="([^"]*)"', html).group(1)
    for typed in ("AI-X", "ai-x", "AI_Agents", "AI agents"):
        assert re.fullmatch(pattern, typed), typed  # an HTML pattern must match the whole value

    client.post("/curate/lists/", {"name": "AI X", "slug": "AI-X"})
    refused = client.post("/curate/lists/", {"name": "Again", "slug": "AI"})

    assert TokenList.objects.filter(slug="ai-x").exists()
    assert "A list with this short name already exists." in refused.content.decode()


def test_each_list_s_catalogue_search_is_a_search_landmark_named_after_its_list(client, staff, ai):
    # Unnamed, the lists' search forms were as many "search" landmarks of no name, which a
    # screen reader's list of landmarks cannot tell apart.
    TokenList.objects.create(slug="other", name="Other", name_fr="Autre")
    client.force_login(staff)
    html = client.get("/curate/").content.decode()
    searches = re.findall(r'<form\b[^>]*role="search"[^>]*>', html)
    names = [re.search(r'aria-label="([^"]+)"', form) for form in searches]
    assert [name and name.group(1) for name in names] == [
        "Search the catalogue for AI tokens",
        "Search the catalogue for Other",
    ]
