"""Markdown of comments, rendered once on save: a small subset, then sanitised.

markdown-it-py (CommonMark, raw HTML off) renders emphasis, links, inline and block code,
quotes and lists; headings, rules and images are switched off. nh3 then keeps only the tags
that subset produces, links only to http(s) and mailto, each with ``rel="nofollow ugc
noopener"``. ``$TAO``-style cashtags become links to the token page when the token exists
(one query per rendering, whatever the number of cashtags). Lists or quotes nested so deeply
that markdown-it would drop their content are refused (``markdown_too_deep``). A comment
dense with markup characters beyond any written one (``INLINE_MARKUP_MAX``) is shown as typed,
so that saving it stays cheap.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from django.urls import reverse
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token as MdToken

from markets.models import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])

# markdown-it's inline parser spends some 10 to 60 microseconds (pure Python) on each character
# that may start inline markup (its terminators: [ ] * _ ` < & ! : - $ and the like), and
# much less on the rest: a comment of 5000 "[" took most of a second to save. Past this many
# in the whole comment, its paragraphs are shown as typed, as plain text (what such a body
# mostly shows anyway); up to it, the output is markdown-it's own. Comments as people write
# them have a few hundred in 5000 characters (this README's Markdown: 340), a list of links
# with bold and query strings about a thousand; at the bound, saving takes some 0.1 s.
INLINE_MARKUP_MAX = 1500


def _inline_bounded(state: StateCore) -> None:
    """The core "inline" rule, unless the comment has more than ``INLINE_MARKUP_MAX``
    terminators: then each block's text is one text token (escaped on rendering)."""
    blocks = [token for token in state.tokens if token.type == "inline"]
    terminators = state.md.inline.terminator_re
    marks = sum(len(terminators.findall(block.content)) for block in blocks)
    for block in blocks:
        if block.children is None:
            block.children = []
        if marks > INLINE_MARKUP_MAX:
            block.children.append(_text(block.content))
        else:
            state.md.inline.parse(block.content, state.md, state.env, block.children)


_md.core.ruler.at("inline", _inline_bounded)

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol", "li"}
# "*": none on every tag (nh3 otherwise keeps ``title`` and ``lang`` anywhere, and a link's
# Markdown title became a tooltip that could pass for the site's word).
ALLOWED_ATTRIBUTES = {"*": set(), "a": {"href"}, "ol": {"start"}}
LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}

CASHTAG = re.compile(r"(?<![\w$])\$([A-Za-z][A-Za-z0-9]{0,9})\b")


def _text_tokens(tokens: list[MdToken]):
    """Every inline text token outside links (cashtags inside a link stay text)."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        depth = 0
        for child in block.children:
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text" and depth == 0:
                yield block, child


def _cashtags_link(tokens: list[MdToken]) -> None:
    found = {
        match.group(1).upper()
        for _block, child in _text_tokens(tokens)
        for match in CASHTAG.finditer(child.content)
    }
    if not found:
        return
    known = set(
        Token.objects.filter(symbol__in=found, is_active=True).values_list("symbol", flat=True)
    )
    if not known:
        return
    for block, child in list(_text_tokens(tokens)):
        parts = _split(child.content, known)
        if len(parts) == 1:
            continue
        index = block.children.index(child)
        block.children[index : index + 1] = parts


def _split(text: str, known: set[str]) -> list[MdToken]:
    parts: list[MdToken] = []
    last = 0
    for match in CASHTAG.finditer(text):
        symbol = match.group(1).upper()
        if symbol not in known:
            continue
        if match.start() > last:
            parts.append(_text(text[last : match.start()]))
        link = MdToken("link_open", "a", 1)
        link.attrs = {"href": reverse("markets:token-detail", args=[symbol])}
        parts += [link, _text(match.group(0)), MdToken("link_close", "a", -1)]
        last = match.end()
    if last < len(text):
        parts.append(_text(text[last:]))
    return parts or [_text(text)]


def _text(content: str) -> MdToken:
    token = MdToken("text", "", 0)
    token.content = content
    return token


# Blocks whose content the block parser tokenizes one level deeper: past maxNesting levels it
# drops that content without a word (inline markup past the limit stays as text).
_CONTAINERS = frozenset(
    ["blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open"]
)


@lru_cache(maxsize=8)
def _checked(source: str) -> tuple[bool, str]:
    """(too deep, shown text) from one parse: the checks of a body run both on the same
    source, just before it is rendered (a pure function of the source: no query)."""
    tokens = _md.parse(source)
    deepest = _md.options["maxNesting"] - 1
    too_deep = any(
        token.nesting == 1 and token.type in _CONTAINERS and token.level >= deepest
        for token in tokens
    )
    shown = html.unescape(nh3.clean(_md.renderer.render(tokens, _md.options, {}), tags=set()))
    return too_deep, shown


def markdown_too_deep(source: str) -> bool:
    """Whether lists or quotes nest so deeply that rendering would lose part of the text
    (about 9 levels of lists, 19 of quotes: markdown-it's ``maxNesting``)."""
    return _checked(source)[0]


def markdown_shown_text(source: str) -> str:
    """The text a comment's rendering shows, its entities decoded (``&#x202E;`` is the
    character U+202E once rendered, ``&nbsp;`` a space), without its markup: what the body's
    checks must also see (no query: cashtags change no text)."""
    return _checked(source)[1]


def markdown_render(source: str) -> str:
    """Sanitised HTML of a comment's Markdown."""
    env: dict = {}
    tokens = _md.parse(source, env)
    _cashtags_link(tokens)
    html = _md.renderer.render(tokens, _md.options, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL,
        url_schemes=URL_SCHEMES,
        strip_comments=True,
    )
