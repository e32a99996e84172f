"""Free text refuses characters nobody types on purpose."""

from __future__ import annotations

import pytest

from core.text import LAYOUT_CHARACTERS, cell_formula_guard, text_characters_refuse, text_one_line


@pytest.mark.parametrize(
    "character",
    [
        "\u200b",
        "\u200c",
        "\u200d",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\ufeff",
    ],
)
def test_it_refuses_invisible_and_direction_override_characters(character):
    with pytest.raises(ValueError, match=f"U\\+{ord(character):04X}"):
        text_characters_refuse(f"TAO{character}gains")


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\n"])
def test_it_refuses_control_characters(character):
    with pytest.raises(ValueError):
        text_characters_refuse(f"a{character}b")


@pytest.mark.parametrize("character", ["\u2028", "\u2029"])
def test_it_refuses_line_and_paragraph_separators_even_where_new_lines_are_allowed(character):
    # A watchlist name "y\u2028z" was stored: one line for the form, two in a mail or a CSV.
    with pytest.raises(
        ValueError, match=f"separators are not allowed \\(U\\+{ord(character):04X}\\)"
    ):
        text_characters_refuse(f"y{character}z", allowed=LAYOUT_CHARACTERS)


def test_it_lets_layout_characters_through_where_allowed():
    text_characters_refuse("line one\r\nline\ttwo", allowed=LAYOUT_CHARACTERS)


def test_it_accepts_ordinary_text_in_any_script():
    text_characters_refuse("Baisse de 23,41 % — 比特币 ₿ émoji 🚀 עברית")


# --- CSV cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "  =1+1",
        '"=1+1',
        "'=1",
        "\u200b=1",
        "\ufeff@x",
        "\u00a0=1",
        " \u202e=1",
    ],
)
def test_a_cell_that_reads_as_a_formula_after_any_prefix_gets_an_apostrophe(text):
    assert cell_formula_guard(text) == "'" + text


@pytest.mark.parametrize("text", ["TAO", "a=1", "", "  hello", "'quoted", "1-2"])
def test_other_cells_are_left_alone(text):
    assert cell_formula_guard(text) == text


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("AI tokens\r\nBcc: x@example.org", "AI tokens Bcc: x@example.org"),
        (" \n BTC \t\x0b\x0c\x1c\x85\u2028\u2029 crossed\n", "BTC crossed"),
        ("a\x00b\x1b[31mc\x7f", "a b [31mc"),
    ],
)
def test_one_line_text_has_no_line_break_or_control_character_left(text, line):
    assert text_one_line(text) == line


def test_one_line_text_keeps_the_no_break_spaces_of_french_figures():
    figure = "BTC est sous 60\u202f000,00\xa0$\u202f!"
    assert text_one_line(figure) == figure
