"""The keyboard focus ring and the box of a text field stand out from every background they
are drawn on: at least 3:1 (WCAG 1.4.11, non-text contrast), in the light and dark themes."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "aicrash_site" / "static" / "css" / "site.css"


def variables(selector: str) -> dict[str, str]:
    block = re.search(re.escape(selector) + r"\s*\{(.*?)\}", CSS.read_text(), re.S).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", block))


def luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", [":root", ':root[data-theme="dark"]'])
def test_the_focus_ring_has_a_3_to_1_contrast_on_every_background(theme):
    light = variables(":root")
    colours = {**light, **variables(theme)} if theme != ":root" else light
    for background in ("bg", "surface", "surface-2"):
        ratio = contrast(colours["focus"], colours[background])
        assert ratio >= 3, (theme, background, colours["focus"], round(ratio, 2))


FIELD_RULE = re.compile(r"\.account-form input:not.*?\{(.*?)\}", re.S)


@pytest.mark.parametrize("theme", [":root", ':root[data-theme="dark"]'])
def test_a_text_field_s_border_shows_its_box_at_3_to_1_on_every_background(theme):
    # With the panels' hairline border (1.35:1 on white), a field could not be told from the
    # white panel around it.
    assert "var(--field-border)" in FIELD_RULE.search(CSS.read_text()).group(1)
    light = variables(":root")
    colours = {**light, **variables(theme)} if theme != ":root" else light
    for background in ("bg", "surface", "surface-2"):
        ratio = contrast(colours["field-border"], colours[background])
        assert ratio >= 3, (theme, background, colours["field-border"], round(ratio, 2))
