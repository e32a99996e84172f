"""The French catalogues write French one way: a typographic apostrophe (l\u2019alerte), as most
pages already did, where the alerts pages, the alert emails and the profile wrote l'alerte."""

import re
from pathlib import Path

from django.conf import settings
from django.forms import Form
from django.utils import translation
from django.utils.translation import gettext

BASE = Path(settings.BASE_DIR)
STRAIGHT = re.compile(r"\w'\w")
# A plain space before : ; ? ! or inside « »: French sets a narrow no-break space (U+202F) there,
# which also keeps the mark from starting a line of its own.
PLAIN_SPACE = re.compile(r" [:;?!»]|« ")
# The wider no-break space (U+00A0) there: some catalogues had it, so the site read
# «\u00a0Tokens IA\u00a0»\u202f? on one page. U+00A0 stays between a number and its unit.
WIDE_SPACE = re.compile("\u00a0[:;?!»]|«\u00a0")

# A plain or narrow space between a number (or a placeholder for one) and "%": the formatting
# code writes U+00A0 there ("20\u00a0%"), which also keeps "%" from starting a line of its own.
# Placeholders (%(name)s, %s) are not percent signs.
PERCENT_PLAIN_SPACE = re.compile("(\\d|%\\(\\w+\\)[sdf]|%[sdf])[ \u202f]%(?![(sdf])")


def french_catalogues() -> list[Path]:
    return sorted(
        path
        for path in BASE.glob("**/locale/fr/LC_MESSAGES/django.po")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    )


def translations(path: Path) -> list[str]:
    """Each msgstr of the file, its continuation lines joined, HTML tags left out."""
    found, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            current = [line.partition(" ")[2].strip().strip('"')]
            found.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line.strip().strip('"'))
        else:
            current = None
    return [re.sub(r"<[^>]+>", "", "".join(parts)) for parts in found]


def test_every_french_catalogue_is_found():
    names = {path.relative_to(BASE).parts[0] for path in french_catalogues()}
    assert {"alerts", "notifications", "watchlists", "locale"} <= names


def test_french_translations_use_the_typographic_apostrophe():
    straight = {
        str(path.relative_to(BASE)): [text for text in translations(path) if STRAIGHT.search(text)]
        for path in french_catalogues()
    }
    assert {path: texts for path, texts in straight.items() if texts} == {}


def test_french_translations_write_billions_as_md_dollars_and_say_e_mail():
    texts = [text for path in french_catalogues() for text in translations(path)]
    assert not [text for text in texts if "G$" in text or "courriel" in text.lower()]


def test_french_translations_set_a_narrow_no_break_space_before_double_marks():
    spaced = {
        str(path.relative_to(BASE)): [
            text
            for text in translations(path)
            if PLAIN_SPACE.search(text) or WIDE_SPACE.search(text)
        ]
        for path in french_catalogues()
    }
    assert {path: texts for path, texts in spaced.items() if texts} == {}
    assert len(spaced) == len(french_catalogues()) >= 10


def test_the_colon_after_a_label_is_translated_with_a_narrow_no_break_space():
    """Django's own catalogue gives U+00A0 before the label colon; ours overrides it, so the
    labels of Django's forms and of our templates agree with the rest of the site."""
    with translation.override("fr"):
        assert gettext(":") == "\u202f:"
        assert str(Form().label_suffix) == "\u202f:"


def test_french_translations_set_a_no_break_space_between_a_number_and_percent():
    """ "décompte à 20 %" and "-8 %" had a plain space, so "%" could start a line, and the
    alert email subject a narrow one; the formatting code writes "20\u00a0%"."""
    spaced = {
        str(path.relative_to(BASE)): [
            text for text in translations(path) if PERCENT_PLAIN_SPACE.search(text)
        ]
        for path in french_catalogues()
    }
    assert {path: texts for path, texts in spaced.items() if texts} == {}
    assert PERCENT_PLAIN_SPACE.search("à 20 % sous") and PERCENT_PLAIN_SPACE.search("%(n)s %%")
    assert PERCENT_PLAIN_SPACE.search("20\u202f%% sous")
    assert not PERCENT_PLAIN_SPACE.search("20\u00a0% ; %(a)s %(b)s ; 5 %s")
