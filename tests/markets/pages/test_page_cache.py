"""Anonymous visitors get market pages from the cache until the market data change."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.cache import (
    VERSION_KEY,
    anonymous_cached,
    data_version,
    data_version_bump,
)
from markets.models import Token, TokenMetrics
from markets.providers.base import Quote
from markets.services.ingest import snapshot_ingest
from markets.services.metrics import metrics_recompute
from tests.markets.pages.conftest import JUST_AFTER_END
from tests.markets.pages.html import find, squash

PAGES = ["/", "/lists/", "/lists/ai/", "/tokens/TAO/", "/tokens/TAO/chart.json?range=7d"]
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("ann", "ann@example.org", "password")


def tao_row(content) -> str:
    return squash(find(content, tag="tr", data_symbol="TAO").text)


def new_tao_price(price: float) -> None:
    """A new TAO quote, stored and recomputed as a refresh does, committed (the bump waits
    for the commit)."""
    tao = Token.objects.get(symbol="TAO")
    snapshot_ingest(quotes=[Quote(tao.pk, int(JUST_AFTER_END.timestamp()), price)], source="t")
    metrics_recompute(token_ids=[tao.pk])


# --- Served from the cache ------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_a_second_anonymous_request_runs_no_query(client, seeded, path, django_assert_num_queries):
    first = client.get(path)
    assert first.status_code == 200

    with django_assert_num_queries(0):
        second = client.get(path)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_the_query_order_does_not_matter_but_its_values_do(
    client, seeded, django_assert_num_queries
):
    client.get("/?sort=symbol&dir=desc")
    with django_assert_num_queries(0):
        client.get("/?dir=desc&sort=symbol")
    ascending = client.get("/?sort=symbol&dir=asc")
    assert find(ascending.content, tag="th", aria_sort="ascending")


def test_a_query_parameter_the_page_does_not_read_bypasses_the_cache(client, seeded):
    client.get("/?utm_source=x")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?utm_source=x")
    assert response.status_code == 200
    assert len(queries) > 0


def test_cached_responses_keep_their_vary_headers(client, seeded):
    client.get("/")
    vary = {v.strip() for v in client.get("/")["Vary"].split(",")}
    assert {"Accept-Language", "Cookie", "HX-Request"} <= vary


def test_an_error_page_is_not_cached(client, seeded):
    assert client.get("/tokens/NEWT/").status_code == 404
    Token.objects.create(symbol="NEWT", name="Newt")
    assert client.get("/tokens/NEWT/").status_code == 200


# --- Invalidation ---------------------------------------------------------------------------


def test_recomputed_metrics_show_at_once(client, seeded, django_capture_on_commit_callbacks):
    assert "$164.00" in tao_row(client.get("/").content)
    assert "$164.00" in squash(find(client.get("/tokens/TAO/").content, id="token-live").text)

    with django_capture_on_commit_callbacks(execute=True):
        new_tao_price(171.25)

    assert "$171.25" in tao_row(client.get("/").content)
    assert "$171.25" in squash(find(client.get("/tokens/TAO/").content, id="token-live").text)


def test_the_version_moves_only_when_the_recompute_is_committed(
    seeded, django_capture_on_commit_callbacks
):
    before = data_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        metrics_recompute()
        assert data_version() == before  # other processes still read the old rows
    for callback in callbacks:
        callback()
    assert data_version() == before + 1


def test_the_version_starts_on_first_use_and_goes_up_by_one():
    version = data_version()
    assert data_version() == version
    assert data_version_bump() == version + 1
    assert data_version() == version + 1


def test_a_lost_version_starts_again_from_a_value_never_used_before():
    with time_machine.travel(JUST_AFTER_END, tick=False):
        for _ in range(1000):
            data_version_bump()
        old = data_version()
    with time_machine.travel(JUST_AFTER_END + timedelta(seconds=1), tick=False):
        cache.delete(VERSION_KEY)  # evicted, or the cache was flushed
        assert data_version() > old
        cache.delete(VERSION_KEY)
        assert data_version_bump() > old


def test_without_a_shared_cache_entries_expire_after_page_cache_seconds(client, seeded, settings):
    """With a per-process cache a worker's recompute is not seen here: the TTL bounds it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ttl-test",
        }
    }
    settings.PAGE_CACHE_SECONDS = 10
    assert "$164.00" in tao_row(client.get("/").content)
    TokenMetrics.objects.filter(token__symbol="TAO").update(price_usd=170.5)  # no bump

    with time_machine.travel(JUST_AFTER_END + timedelta(seconds=9), tick=False):
        assert "$164.00" in tao_row(client.get("/").content)
    with time_machine.travel(JUST_AFTER_END + timedelta(seconds=11), tick=False):
        assert "$170.50" in tao_row(client.get("/").content)


# --- Who gets the cached page ---------------------------------------------------------------


def test_signed_in_users_never_get_the_cached_page(client, seeded, member):
    anonymous = client.get("/").content
    client.force_login(member)

    with CaptureQueriesContext(connection) as queries:
        signed_in = client.get("/")

    assert len(queries) > 0
    assert signed_in.content != anonymous
    assert "hx-headers" in find(signed_in.content, tag="body").attrs


def test_a_signed_in_users_page_is_never_given_to_anonymous_visitors(
    client, seeded, admin_user, django_assert_num_queries
):
    client.force_login(admin_user)
    assert "Admin" in squash(find(client.get("/").content, tag="nav").text)
    client.logout()

    anonymous = client.get("/")

    assert "Admin" not in squash(find(anonymous.content, tag="nav").text)
    assert "hx-headers" not in find(anonymous.content, tag="body").attrs
    with django_assert_num_queries(0):
        client.get("/")  # the anonymous page was cached, the signed-in one was not


def test_anonymous_pages_set_no_cookie(client, seeded):
    for path in PAGES:
        client.get(path)
        response = client.get(path)
        assert not response.cookies, path


def test_french_and_english_pages_do_not_mix(client, seeded):
    for _ in range(2):  # the second round comes from the cache
        french = client.get("/", headers=FRENCH).content
        english = client.get("/", headers=ENGLISH).content
        assert find(french, tag="html").attrs["lang"] == "fr"
        assert "164,00 $" in tao_row(french)
        assert find(english, tag="html").attrs["lang"] == "en"
        assert "$164.00" in tao_row(english)


def test_the_language_cookie_picks_the_french_page_from_the_cache(client, seeded):
    client.get("/", headers=ENGLISH)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert find(client.get("/", headers=ENGLISH).content, tag="html").attrs["lang"] == "fr"


def test_the_htmx_partial_and_the_whole_page_do_not_mix(client, seeded):
    htmx = {"HX-Request": "true"}
    for _ in range(2):
        partial = client.get("/", headers=htmx).content
        page = client.get("/").content
        restore = client.get("/", headers={**htmx, "HX-History-Restore-Request": "true"}).content
        assert b"<html" not in partial and b'id="members"' in partial
        assert b"<html" in page
        assert b"<html" in restore


def test_the_demo_banner_follows_the_provider(client, seeded, settings):
    assert find(client.get("/").content, class_="demo-banner")
    settings.PRICE_PROVIDER = "coingecko"
    assert b"demo-banner" not in client.get("/").content


# --- What may be stored (the decorator on its own) ---------------------------------------------


class Counter:
    def __init__(self, body):
        self.calls = 0
        self.body = body

    def __call__(self, request):
        self.calls += 1
        return self.body(request)


def anonymous_get(path="/page/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_the_decorator_serves_the_second_request_from_the_cache():
    view = Counter(lambda request: HttpResponse("same for everybody"))
    cached = anonymous_cached()(view)
    assert cached(anonymous_get()).content == cached(anonymous_get()).content
    assert view.calls == 1


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda r: _with_cookie(HttpResponse("x")), id="sets a cookie"),
        pytest.param(lambda r: HttpResponse(get_token(r)), id="holds a CSRF token"),
        pytest.param(lambda r: HttpResponse("x", status=201), id="not a 200"),
        pytest.param(lambda r: _private(HttpResponse("x")), id="Cache-Control: private"),
    ],
)
def test_responses_that_belong_to_one_visitor_are_not_cached(body):
    view = Counter(body)
    cached = anonymous_cached()(view)
    cached(anonymous_get())
    cached(anonymous_get())
    assert view.calls == 2


def test_a_visitor_with_a_session_or_messages_is_not_served_from_the_cache():
    view = Counter(lambda request: HttpResponse("x"))
    cached = anonymous_cached()(view)
    cached(anonymous_get())
    for cookie in (settings.SESSION_COOKIE_NAME, "messages"):
        request = anonymous_get()
        request.COOKIES[cookie] = "something"
        cached(request)
    assert view.calls == 3


def test_an_authenticated_user_is_not_served_from_the_cache_whatever_the_cookies(member):
    view = Counter(lambda request: HttpResponse("x"))
    cached = anonymous_cached()(view)
    cached(anonymous_get())
    request = anonymous_get()
    request.user = member  # e.g. signed in by another backend than the session
    cached(request)
    assert view.calls == 2


def test_a_view_cached_for_everyone_serves_signed_in_users_the_shared_copy(member):
    view = Counter(lambda request: HttpResponse("the same data for all"))
    cached = anonymous_cached(everyone=True)(view)
    cached(anonymous_get())
    request = anonymous_get()
    request.user = member
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "something"
    assert cached(request).content == b"the same data for all"
    assert view.calls == 1


def test_a_view_cached_for_everyone_still_keeps_what_belongs_to_one_visitor(member):
    view = Counter(lambda request: HttpResponse(get_token(request)))
    cached = anonymous_cached(everyone=True)(view)
    request = anonymous_get()
    request.user = member
    cached(request)
    cached(request)
    assert view.calls == 2


def test_the_token_chart_data_are_cached_for_signed_in_users_too(
    client, seeded, member, django_assert_num_queries
):
    client.get("/tokens/TAO/chart.json?range=7d")  # an anonymous visitor fills the cache
    client.force_login(member)
    with django_assert_num_queries(0):  # not even the session: the user is not needed
        data = client.get("/tokens/TAO/chart.json?range=7d").json()
    assert data["range"] == "7d" and data["count"] == 7 * 24 + 1


def test_post_requests_are_not_cached():
    view = Counter(lambda request: HttpResponse("x"))
    cached = anonymous_cached()(view)
    for _ in range(2):
        request = RequestFactory().post("/page/")
        request.user = AnonymousUser()
        cached(request)
    assert view.calls == 2


def test_a_cache_time_of_zero_turns_the_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    view = Counter(lambda request: HttpResponse("x"))
    cached = anonymous_cached()(view)
    cached(anonymous_get())
    cached(anonymous_get())
    assert view.calls == 2


def _with_cookie(response):
    response.set_cookie("visitor", "42")
    return response


def _private(response):
    response["Cache-Control"] = "private"
    return response


# --- The language switch (a link: no CSRF form in shared pages) --------------------------------


def test_the_switch_sets_the_language_cookie_and_returns_to_the_page(client, seeded):
    response = client.get("/i18n/switch/", {"language": "fr", "next": "/tokens/TAO/?range=7d"})

    assert response.status_code == 302
    assert response["Location"] == "/tokens/TAO/?range=7d"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"
    assert cookie["path"] == settings.LANGUAGE_COOKIE_PATH
    assert "no-store" in response["Cache-Control"]
    page = client.get("/tokens/TAO/?range=7d")
    assert find(page.content, tag="html").attrs["lang"] == "fr"

    client.get("/i18n/switch/", {"language": "en", "next": "/"})
    assert find(client.get("/").content, tag="html").attrs["lang"] == "en"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "http://evil.example@127.0.0.1.evil.example/",
        "javascript:alert(1)",
        "///evil.example",
        "",
    ],
)
def test_the_switch_refuses_to_send_visitors_to_another_site(client, next_url):
    response = client.get("/i18n/switch/", {"language": "fr", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_the_switch_ignores_a_language_the_site_does_not_offer(client):
    response = client.get("/i18n/switch/", {"language": "de", "next": "/lists/"})
    assert response.status_code == 302
    assert response["Location"] == "/lists/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_only_answers_get_and_head(client):
    assert client.post("/i18n/switch/", {"language": "fr"}).status_code == 405


def test_djangos_set_language_still_works(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/lists/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
