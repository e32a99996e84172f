"""A French reader sees a list's French name on its discussion and poll pages."""

from __future__ import annotations

import pytest
from django.conf import settings

from discussions.services.polls import scenario_poll_seed
from tests.factories import TokenListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


@pytest.fixture
def ai(db):
    return TokenListFactory(slug="ai", name="AI tokens", name_fr="Jetons IA", is_public=True)


def test_the_list_thread_links_back_with_the_french_name(french_client, ai):
    html = french_client.get("/lists/ai/comments/").content.decode()

    assert "← Jetons IA" in html and "AI tokens" not in html


def test_the_poll_page_links_back_with_the_french_name(french_client, ai):
    poll = scenario_poll_seed(token_list=ai)

    html = french_client.get(f"/polls/{poll.pk}/").content.decode()

    assert "← Jetons IA" in html
