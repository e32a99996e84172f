"""Cached fragments (core/cache.py ``fragment_cached``, the ``{% fragment %}`` tag): built once
per data version, language and variant; never shared with signed-in visitors when marked so."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from core.cache import data_version_bump, fragment_cached


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.FRAGMENT_CACHE_SECONDS = 60


def counting_build():
    calls = []

    def build():
        calls.append(1)
        return f"built {len(calls)}"

    return build, calls


def test_a_fragment_is_built_once_and_then_served_from_the_cache():
    build, calls = counting_build()
    assert fragment_cached("x", 1, build=build) == "built 1"
    assert fragment_cached("x", 1, build=build) == "built 1"
    assert len(calls) == 1


def test_a_data_version_bump_makes_every_fragment_be_built_again():
    build, _calls = counting_build()
    fragment_cached("x", 1, build=build)
    data_version_bump()
    assert fragment_cached("x", 1, build=build) == "built 2"


def test_each_language_and_each_variant_has_its_own_fragment():
    build, _calls = counting_build()
    fragment_cached("x", "sort=price", build=build)
    fragment_cached("x", "sort=symbol", build=build)
    with translation.override("fr"):
        assert fragment_cached("x", "sort=price", build=build) == "built 3"


def test_with_the_fragment_cache_off_every_call_builds(settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    build, calls = counting_build()
    fragment_cached("x", build=build)
    fragment_cached("x", build=build)
    assert len(calls) == 2


TAG = Template('{% load fragments %}{% fragment "t" n anonymous %}{{ who }}{% endfragment %}')


def render(user, who: str, path: str = "/") -> str:
    request = RequestFactory().get(path)
    request.user = user
    return TAG.render(Context({"request": request, "who": who, "n": 1}))


def test_an_anonymous_only_fragment_is_shared_by_anonymous_visitors_of_one_path():
    assert render(AnonymousUser(), "first") == "first"
    assert render(AnonymousUser(), "second") == "first"
    assert render(AnonymousUser(), "other path", path="/lists/ai/") == "other path"


def test_an_anonymous_only_fragment_is_rendered_afresh_for_signed_in_visitors(alice, bob):
    render(AnonymousUser(), "anonymous")
    assert render(alice, "alice") == "alice"
    assert render(bob, "bob") == "bob"


def test_within_a_request_the_data_version_is_read_once_and_its_own_bumps_are_seen():
    from django.core.cache import cache

    from core import cache as site_cache

    site_cache._request_started()  # what Django's request_started signal calls
    try:
        version = site_cache.data_version()
        cache.set(site_cache.VERSION_KEY, version + 5)  # another process bumps meanwhile
        assert site_cache.data_version() == version  # one version for the whole page
        assert data_version_bump() == version + 6
        assert site_cache.data_version() == version + 6
    finally:
        site_cache._request_finished()
    cache.set(site_cache.VERSION_KEY, 100)
    assert site_cache.data_version() == 100  # outside requests: always read
