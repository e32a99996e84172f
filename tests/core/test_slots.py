"""Apps above markets fill its pages through registered slots and row annotators."""

from __future__ import annotations

from django.template import Context, Template
from django.utils.html import format_html

from core import slots


def test_a_slot_renders_every_registered_template_with_the_page_context(tmp_path, settings):
    (tmp_path / "one.html").write_text("[one {{ who }}]")
    (tmp_path / "two.html").write_text("[two {{ who }}]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    slots.slot_register("test-slot", "one.html")
    slots.slot_register("test-slot", "two.html")
    slots.slot_register("test-slot", "one.html")  # registering twice adds nothing

    html = Template('{% load slots %}{% slot "test-slot" %}').render(Context({"who": "ana"}))

    assert html == "[one ana][two ana]"


def test_an_empty_slot_renders_nothing():
    assert Template('{% load slots %}{% slot "nobody-fills-this" %}').render(Context()) == ""


def test_annotators_see_all_objects_at_once():
    calls = []

    class Row:
        pass

    def annotate(rows):
        calls.append(len(rows))
        for row in rows:
            row.slot_badges = [format_html("<b>{}</b>", "3")]

    slots.annotator_register("test-rows", annotate)
    rows = [Row(), Row(), Row()]
    slots.objects_annotate("test-rows", rows)
    slots.objects_annotate("test-rows", [])

    assert calls == [3]
    assert all(str(row.slot_badges[0]) == "<b>3</b>" for row in rows)
