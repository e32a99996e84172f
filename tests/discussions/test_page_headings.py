"""Every discussion page of its own has one level-one heading, which screen readers jump to."""

from __future__ import annotations

import re

from tests.discussions.conftest import comment


def h1s(response) -> list[str]:
    html = response.content.decode()
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h1\b.*?</h1>", html, re.S)]


def test_the_thread_page_has_one_level_one_heading_naming_the_discussion(client, tao):
    assert h1s(client.get("/tokens/TAO/comments/")) == ["Discussion of TAO"]


def test_the_list_thread_page_has_one_level_one_heading(client, ai_list):
    assert h1s(client.get("/lists/ai-tokens/comments/")) == ["Discussion of AI tokens"]


def test_a_comment_page_has_one_level_one_heading(client, alice, tao):
    posted = comment(alice, "hello")
    assert h1s(client.get(f"/comments/{posted.pk}/")) == ["Comment on TAO"]


def test_the_poll_page_has_the_question_as_its_level_one_heading(client, ai_list):
    from discussions.services.polls import scenario_poll_seed

    poll = scenario_poll_seed(token_list=ai_list)
    assert h1s(client.get(f"/polls/{poll.pk}/")) == [poll.question]


def test_the_poll_on_a_list_page_keeps_a_level_two_heading(client, ai_list):
    from discussions.services.polls import scenario_poll_seed

    poll = scenario_poll_seed(token_list=ai_list)
    html = client.get("/lists/ai-tokens/").content.decode()
    assert f'<h2 id="poll-{poll.pk}-title">' in html


def test_the_page_of_a_refused_vote_has_one_level_one_heading(client, alice, tao):
    client.force_login(alice)
    response = client.post("/tokens/TAO/sentiment/", {"stance": "sideways"})
    assert response.status_code == 400
    assert h1s(response) == ["Sentiment on TAO"]
