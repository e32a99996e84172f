"""Landmarks a screen reader lists: no two in a page share a name. A scrollable table's
region (role="region", named for keyboard users) inside a section named by the same heading
or caption was read out as two regions of one name, one inside the other."""

import re
from pathlib import Path

from django.conf import settings

LABELLED = re.compile(r"<(section|div|nav|aside|form)\b[^>]*>", re.S)


def labels_of_landmarks(html: str) -> list[str]:
    found = []
    for tag in LABELLED.finditer(html):
        text, name = tag.group(0), tag.group(1)
        label = re.search(r'aria-labelledby="([^"]+)"', text)
        if not label:
            continue
        if name == "section" or 'role="region"' in text:
            found.append(label.group(1))
    return found


def test_no_template_names_two_regions_with_the_same_heading_or_caption():
    base = Path(settings.BASE_DIR)
    doubled = {}
    for path in sorted(base.glob("*/templates/**/*.html")):
        labels = labels_of_landmarks(path.read_text())
        twice = sorted({label for label in labels if labels.count(label) > 1})
        if twice:
            doubled[str(path.relative_to(base))] = twice
    assert doubled == {}
