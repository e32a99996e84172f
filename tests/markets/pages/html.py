"""A small HTML reader for page tests (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

MINUS = "\u2212"  # the minus sign the pages write (not a hyphen)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class _Collector(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr", "polyline"}  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if self.open:
            self.open[-1].children.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if self.open:
            self.open[-1].children.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data


def parse(content: bytes | str) -> list[Element]:
    """Every element of the document, in document order, with its text content."""
    collector = _Collector()
    collector.feed(content.decode() if isinstance(content, bytes) else content)
    collector.close()
    return collector.elements


def find_all(content, *, tag: str | None = None, **attrs) -> list[Element]:
    """Elements with this tag and these attribute values (True: the attribute is present)."""
    found = []
    for element in parse(content):
        if tag is not None and element.tag != tag:
            continue
        ok = True
        for name, wanted in attrs.items():
            name = name.rstrip("_").replace("_", "-")  # class_ -> class, hx_get -> hx-get
            if wanted is True:
                ok = ok and name in element.attrs
            else:
                ok = ok and element.attrs.get(name) == wanted
        if ok:
            found.append(element)
    return found


def find(content, **kwargs) -> Element:
    found = find_all(content, **kwargs)
    assert found, f"no element matching {kwargs}"
    return found[0]


def descendants(element: Element):
    """Every element inside this one, in document order."""
    for child in element.children:
        yield child
        yield from descendants(child)


def row_symbols(content) -> list[str]:
    """Symbols of the members table, top to bottom."""
    return [row.attrs["data-symbol"] for row in find_all(content, tag="tr", data_symbol=True)]


def squash(text: str) -> str:
    """Text with runs of whitespace (including no-break spaces) made single spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
