"""Dates as pages write them: French writes the first of a month "1er"."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from core.times import date_text, datetime_text


def in_(lang, func, *args):
    with translation.override(lang):
        return func(*args)


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (date(2026, 12, 1), "Dec. 1, 2026", "1er décembre 2026"),
        (date(2026, 2, 6), "Feb. 6, 2026", "6 février 2026"),
        (date(2026, 3, 11), "March 11, 2026", "11 mars 2026"),
        (date(2026, 3, 21), "March 21, 2026", "21 mars 2026"),
    ],
)
def test_it_writes_the_first_of_a_month_as_french_writes_it(value, english, french):
    assert in_("en", date_text, value) == english
    assert in_("fr", date_text, value) == french


def test_it_writes_the_first_of_a_month_in_a_french_date_and_time():
    at = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    assert in_("fr", datetime_text, at) == "1er janvier 2026, 08:00 UTC"
    assert in_("en", datetime_text, at) == "Jan. 1, 2026, 08:00 UTC"


def test_the_day_filter_writes_1er_in_french():
    rendered = in_(
        "fr",
        Template("{% load formatting %}{{ d|day }}").render,
        Context({"d": date(2026, 5, 1)}),
    )
    assert rendered == "1er mai 2026"


def test_no_template_writes_a_date_with_django_date_format_which_knows_no_1er():
    base = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(base))
        for path in base.glob("*/templates/**/*.html")
        if 'date:"DATE_FORMAT"' in path.read_text() or "date:'DATE_FORMAT'" in path.read_text()
    ]
    assert offenders == []
