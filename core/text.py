"""Checks of free text typed by people, shared by every app's forms, services and API.

``text_characters_refuse`` raises ValueError (a message meant for people) for characters
nobody types on purpose and that break storage, files or display: NUL (PostgreSQL cannot
store it), the other control characters (Unicode Cc: they break CSV files, terminals and
spreadsheets), and invisible or direction-changing characters (zero-width spaces and joiners,
left-to-right/right-to-left marks, embeddings, overrides and isolates, the byte-order mark),
which can disguise a name or reverse how a link reads.
"""

from __future__ import annotations

import unicodedata

LAYOUT_CHARACTERS = frozenset("\t\n\r")  # a textarea posts its new lines as CR LF

INVISIBLE_CHARACTERS = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]  # zero-width space … right-to-left mark
    + [chr(c) for c in range(0x202A, 0x202F)]  # embeddings and overrides
    + [chr(c) for c in range(0x2066, 0x206A)]  # isolates
    + ["\ufeff"]  # byte-order mark / zero-width no-break space
)


def text_characters_refuse(text: str, *, allowed: frozenset[str] = frozenset()) -> None:
    if "\x00" in text:
        raise ValueError("Null characters are not allowed.")  # Django's and DRF's own words
    for character in text:
        if character in allowed:
            continue
        if character in INVISIBLE_CHARACTERS:
            raise ValueError(
                f"Invisible or direction-changing characters are not allowed "
                f"(U+{ord(character):04X})."
            )
        if unicodedata.category(character) == "Cc":
            raise ValueError(f"Control characters are not allowed (U+{ord(character):04X}).")
