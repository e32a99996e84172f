"""Checks of free text typed by people, shared by every app's forms, services and API.

``text_characters_refuse`` raises ValueError (a message meant for people) for characters
nobody types on purpose and that break storage, files or display: NUL (PostgreSQL cannot
store it), the other control characters (Unicode Cc: they break CSV files, terminals and
spreadsheets), and invisible or direction-changing characters (zero-width spaces and joiners,
left-to-right/right-to-left marks, embeddings, overrides and isolates, the byte-order mark),
which can disguise a name or reverse how a link reads.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

LAYOUT_CHARACTERS = frozenset("\t\n\r")  # a textarea posts its new lines as CR LF

INVISIBLE_CHARACTERS = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]  # zero-width space … right-to-left mark
    + [chr(c) for c in range(0x202A, 0x202F)]  # embeddings and overrides
    + [chr(c) for c in range(0x2066, 0x206A)]  # isolates
    + ["\ufeff"]  # byte-order mark / zero-width no-break space
)

# Letters and marks drawn as nothing, which format characters (Cf) do not cover: the
# combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian variation
# selectors and the blank Braille pattern.
BLANK_CHARACTERS = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
)


def character_is_invisible(character: str) -> bool:
    """Drawn as nothing: a format character (Cf) or a blank letter."""
    return character in BLANK_CHARACTERS or unicodedata.category(character) == "Cf"


def text_looks_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: only spaces, format characters and blank letters."""
    return all(character.isspace() or character_is_invisible(character) for character in text)


def text_characters_refuse(text: str, *, allowed: frozenset[str] = frozenset()) -> None:
    """Raise ValueError saying, in the active language, which character is refused (the
    watchlists' pages also map the English words, as their services may run in English)."""
    if "\x00" in text:
        raise ValueError(_("Null characters are not allowed."))  # Django's and DRF's own words
    for character in text:
        if character in allowed:
            continue
        code = {"code": f"U+{ord(character):04X}"}
        if character in INVISIBLE_CHARACTERS:
            raise ValueError(
                _("Invisible or direction-changing characters are not allowed (%(code)s).") % code
            )
        category = unicodedata.category(character)
        if category == "Cc":
            raise ValueError(_("Control characters are not allowed (%(code)s).") % code)
        if category in ("Zl", "Zp"):  # U+2028, U+2029: a line break in mails and exports
            raise ValueError(_("Line and paragraph separators are not allowed (%(code)s).") % code)


# Control characters (Unicode Cc: CR, LF, tab, U+0085…), the line and paragraph separators,
# and the plain spaces around them. Not the no-break spaces: French figures keep theirs.
_LINE_BREAKING = re.compile(r"[ \x00-\x1f\x7f-\x9f\u2028\u2029]+")


def text_one_line(text: str) -> str:
    """``text`` on one line, as an email header must be: each run of line breaks, other
    control characters and plain spaces becomes one space, none left at the ends. For text
    written before the forms refused those characters, or by other means than the forms (a
    data migration, a shell): Django refuses a header with a line break (BadHeaderError)
    rather than let it add headers."""
    return _LINE_BREAKING.sub(" ", text).strip(" ")


# --- Spreadsheet formulas in CSV cells ----------------------------------------------------

FORMULA_START = frozenset("=+-@\t\r\n")
# What a spreadsheet may skip before reading a cell as a formula: spaces, quotes, and
# characters nobody sees.
_FORMULA_PREFIX_SKIPPED = frozenset(" '\"") | INVISIBLE_CHARACTERS


def cell_starts_formula(text: str) -> bool:
    """Whether a spreadsheet could run this CSV cell as a formula: its first character that
    is not a space, a quote or an invisible character is one of = + - @ tab CR LF."""
    for character in text:
        if character in FORMULA_START:
            return True
        if character in _FORMULA_PREFIX_SKIPPED or unicodedata.category(character) in ("Zs", "Cf"):
            continue
        return False
    return False


def cell_formula_guard(text: str) -> str:
    """The cell with a leading apostrophe when a spreadsheet could run it as a formula."""
    return "'" + text if cell_starts_formula(text) else text
