"""Comments' Markdown: a small subset rendered once, sanitised, with cashtag links."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from discussions import services
from discussions.markdown import markdown_render
from discussions.models import Comment


def test_it_renders_emphasis_links_code_quotes_and_lists(db):
    html = markdown_render(
        "*calm* **down**, see [the article](https://example.org/a) and `code`\n\n"
        "> a quote\n\n- one\n- two\n\n1. first\n\n```\nblock <b>\n```"
    )
    assert "<em>calm</em>" in html and "<strong>down</strong>" in html
    assert '<a href="https://example.org/a" rel="nofollow ugc noopener">the article</a>' in html
    assert "<code>code</code>" in html
    assert "<blockquote>" in html and "<ul>" in html and "<ol>" in html
    assert "<pre><code>block &lt;b&gt;\n</code></pre>" in html


def test_headings_rules_and_images_stay_text_or_links(db):
    html = markdown_render("# Title\n\n---\n\n![alt](https://example.org/x.png)")
    assert "<h1>" not in html and "<hr" not in html and "<img" not in html


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", "vbscript:x"])
def test_dangerous_link_schemes_are_dropped(db, link):
    assert "href" not in markdown_render(f"[click]({link})")


def test_a_link_keeps_only_its_address_not_a_title_that_could_speak_for_the_site(db):
    html = markdown_render('[wallet](https://example.org "Verified by the moderators")')
    assert html == ('<p><a href="https://example.org" rel="nofollow ugc noopener">wallet</a></p>\n')


def test_mailto_links_are_kept(db):
    assert 'href="mailto:a@example.org"' in markdown_render("[mail](mailto:a@example.org)")


def test_cashtags_of_known_tokens_link_to_the_token_page_in_one_query(
    tao, near, django_assert_num_queries
):
    with django_assert_num_queries(1):
        html = markdown_render("$TAO and $near but not $XYZ nor `$TAO` nor [$TAO](https://x.org)")
    assert html.count('href="/tokens/TAO/"') == 1
    assert 'href="/tokens/NEAR/"' in html
    assert "$XYZ" in html and "/tokens/XYZ/" not in html
    assert "<code>$TAO</code>" in html


def test_text_without_cashtags_runs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        markdown_render("no tokens here, 5 $ only")


def _nested_list(levels: int) -> str:
    return "".join("  " * level + f"- item {level}\n" for level in range(levels))


@pytest.mark.parametrize(
    "source",
    [_nested_list(60), _nested_list(10), "".join(">" * n + f" q{n}\n" for n in range(1, 40))],
    ids=["60-level list", "10-level list", "39-level quote"],
)
def test_a_comment_nested_deeper_than_can_be_shown_is_refused_not_cut(alice, tao, source):
    with pytest.raises(ValidationError) as caught:
        services.comment_create(author=alice, body=source, token=tao)

    assert caught.value.message_dict == {
        "body": ["Lists or quotes are nested too deeply to be shown: use fewer levels."]
    }
    assert not Comment.objects.exists()
    # As deep as can be shown: every item is there.
    posted = services.comment_create(author=alice, body=_nested_list(9), token=tao)
    assert all(f"item {level}" in posted.body_html for level in range(9))
    quotes = "".join(">" * n + f" q{n}\n" for n in range(1, 19))
    assert "q18" in services.comment_create(author=alice, body=quotes, token=tao).body_html
