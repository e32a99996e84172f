"""A comment is rendered once, on save (the pages show the stored HTML), but saving it ran
markdown-it three times (the depth check, the shown-text check, the rendering), and its inline
parser spends tens of microseconds on each character that may open markup: a body of 5000
"[" took most of a second to save. Past ``INLINE_MARKUP_MAX`` such characters a comment's
paragraphs are shown as typed; below it the output is markdown-it's own, unchanged."""

from __future__ import annotations

import time

import nh3
import pytest
from markdown_it import MarkdownIt

from discussions import services
from discussions.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    INLINE_MARKUP_MAX,
    LINK_REL,
    URL_SCHEMES,
    markdown_render,
    markdown_shown_text,
)
from discussions.models import Comment
from discussions.services.comments import body_clean
from tests.discussions.xss_corpus import XSS_CORPUS, assert_inert

BUDGET_SECONDS = 0.2

PATHOLOGICAL = {
    "brackets": "[" * 5000,
    "image openers": "![" * 2500,
    "emphasis and brackets": "*[" * 2500,
    "alternating emphasis": "*a" * 2500,
    "empty links": "[](" * 1666,
    "underscores": "_" * 5000,
    "brackets in paragraphs": ("[" * 498 + "\n\n") * 10,
    "balanced brackets": "[" * 2500 + "]" * 2500,
}

# Comments as people write them, markup-heavy ones included (the bound is far above them).
NORMAL = [
    "*calm* **down**, see [the article](https://example.org/a) and `code`",
    "> a quote\n\n- one\n- two\n\n1. first\n2. second\n\n```\nblock <b>\n```",
    "Line one  \nline two\nline three\n\n***both*** and _under_ and __strong__",
    "[nested [brackets]](https://example.org/x) and [[a]](https://example.org/y) [ref][]",
    "<https://example.org/auto> and a <mailto:a@example.org> and 3 < 4 & 5 > 2",
    "&amp; &copy; &#x41; &nbsp; \\*not emphasis\\* \\[not a link\\]",
    "# not a heading\n\n---\n\n![not an image](https://example.org/x.png)",
    " ".join(
        f"[link {i}](https://example.org/{i}?a=1&b=2) **bold {i}** _it {i}_" for i in range(40)
    ),
    "\n".join(
        f"- item *{i}* with `code {i}` and [a link](https://example.org/{i})" for i in range(60)
    ),
    *XSS_CORPUS,
]


def _reference(source: str) -> str:
    """What the renderer gave before the bound: markdown-it as configured, sanitised alike."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
    return nh3.clean(
        md.render(source), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL, url_schemes=URL_SCHEMES, strip_comments=True,
    )  # fmt: skip


def _save_seconds(source: str) -> float:
    """The best of three runs of what saving a comment renders (best: the machine is shared),
    each on a source of its own (the checks keep their last results)."""
    runs = []
    for run in range(3):
        start = time.perf_counter()
        markdown_render(body_clean(f"{run} {source}"[: len(source)]))
        runs.append(time.perf_counter() - start)
    return min(runs)


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_a_pathological_body_is_cheap_to_save(db, name):
    assert _save_seconds(PATHOLOGICAL[name]) < BUDGET_SECONDS


@pytest.mark.parametrize("source", NORMAL)
def test_normal_markdown_renders_exactly_as_before(db, source):
    assert markdown_render(source) == _reference(source)


def test_the_normal_samples_stay_below_the_bound_and_the_brackets_above_it():
    terminators = MarkdownIt().inline.terminator_re  # where the inline parser does work
    marks = [len(terminators.findall(source)) for source in NORMAL]
    assert max(marks) < INLINE_MARKUP_MAX / 2
    assert min(len(terminators.findall(s)) for s in PATHOLOGICAL.values()) > INLINE_MARKUP_MAX


def test_past_the_bound_paragraphs_show_as_typed_and_are_checked_as_shown(alice, tao):
    body = "**not bold** [x](https://example.org)\n\n" + "[" * 5000
    posted = services.comment_create(author=alice, body=body[:5000], token=tao)
    assert posted.body_html.startswith("<p>**not bold** [x](https://example.org)</p>\n<p>[[[")
    # an entity is not decoded either: it shows as typed, so it hides nothing
    assert markdown_shown_text("&#x202E;" + "[" * 2000).strip() == "&#x202E;" + "[" * 2000
    assert Comment.objects.get().body_html == posted.body_html


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_past_the_bound_hostile_input_stays_inert_text(db, payload):
    html = markdown_render(payload + "\n\n" + "[" * 2000)
    assert_inert(html)
    assert "<a " not in html  # no markup at all: even a link is text
