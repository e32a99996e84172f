"""A corpus of hostile inputs stored through the page and the API comes out inert in both."""

from __future__ import annotations

import re

import pytest

from discussions.models import Comment
from tests.discussions.xss_corpus import XSS_CORPUS, assert_inert

pytestmark = pytest.mark.usefixtures("no_rate_limits")

BODY = re.compile(r'<div class="comment__body">(.*?)</div>', re.S)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
DANGEROUS_URL = re.compile(
    r"<[^>]*\s(href|src|action|data)\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.I
)


def test_the_corpus_is_large_enough():
    assert len(XSS_CORPUS) >= 30


def test_hostile_comments_posted_through_the_page_are_inert_on_the_page(client, alice, tao):
    client.force_login(alice)
    for payload in XSS_CORPUS:
        response = client.post("/tokens/TAO/comments/", {"body": payload})
        assert response.status_code == 302, payload
    assert Comment.objects.count() == len(XSS_CORPUS)
    for comment in Comment.objects.all():
        assert_inert(comment.body_html)
    client.logout()
    html = client.get("/tokens/TAO/comments/?page=1").content.decode()
    html += client.get("/tokens/TAO/comments/?page=2").content.decode()
    html = "".join(re.findall(r"<main.*?</main>", html, re.S))  # not the layout's own data: icon
    bodies = BODY.findall(html)
    assert len(bodies) == len(XSS_CORPUS)
    for body in bodies:
        assert_inert(body)
    assert not HANDLER.search(html)
    assert not DANGEROUS_URL.search(html)


def test_hostile_comments_posted_through_the_api_are_inert_in_its_html_field(
    api_client, alice, tao
):
    api_client.force_authenticate(alice)
    for payload in XSS_CORPUS:
        response = api_client.post("/api/v1/tokens/TAO/comments/", {"body": payload}, format="json")
        assert response.status_code == 201, payload
        assert response.json()["body"] == payload.strip()  # the source is given back as typed
        assert_inert(response.json()["body_html"])
    listed = api_client.get("/api/v1/tokens/TAO/comments/", {"page_size": 200}).json()
    assert len(listed["results"]) == len(XSS_CORPUS)
    for item in listed["results"]:
        assert_inert(item["body_html"])
