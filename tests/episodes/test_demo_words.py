"""The demo episode's French texts write amounts as the pages' figures do: "500 Md $"."""

import re

from episodes import demo


def french_texts() -> list[str]:
    return [demo.TITLE[1], demo.SUMMARY[1]] + [event.title_fr for event in demo.EVENTS]


def test_its_french_texts_say_md_dollars_for_billions_never_g_dollars():
    """The episode's summary said "500 G$" and "2,6 G$" while its figures beside it, the
    dashboard and the charts say "1,57 Md $"."""
    texts = french_texts()

    assert not [text for text in texts if "G$" in text]
    assert "500\u00a0Md\u00a0$" in demo.SUMMARY[1]
    assert any("2,6\u00a0Md\u00a0$" in text for text in texts)


def test_its_french_texts_write_thousands_of_dollars_as_the_figures_do():
    assert not [text for text in french_texts() if "k$" in text]


def english_texts() -> list[str]:
    return [demo.TITLE[0], demo.SUMMARY[0]] + [event.title for event in demo.EVENTS]


def test_its_english_texts_write_dollars_as_the_english_figures_do():
    """The English summary and events said "500 G$", "2.6 G$", "58-60 k$" and "164 $" beside
    figures written "$1.57B" and "$164.00"."""
    texts = english_texts()

    assert not [text for text in texts if re.search(r"G\$|k\$|\d \$", text)]
    assert "$500B" in demo.SUMMARY[0] and "$58-60k" in demo.SUMMARY[0]
    assert any("$2.6B" in text for text in texts) and any("$164" in text for text in texts)


def test_its_falls_are_written_with_a_real_minus_sign_in_both_languages():
    texts = english_texts() + french_texts()

    assert not [text for text in texts if " -" in text]


def test_no_figure_breaks_from_its_unit_or_inside_a_french_thousand():
    """The texts wrote "60 000 $" and "18 %" with plain spaces, which can wrap mid-figure,
    beside figures written "60\u202f000,00\u00a0$" and "18\u00a0%"."""
    texts = english_texts() + french_texts()

    assert not [text for text in texts if re.search(r"\d [\d%$]|\d (?:Md|k)\b|(?:Md|k) \$", text)]
    assert "60\u202f000\u00a0$" in " ".join(french_texts())
