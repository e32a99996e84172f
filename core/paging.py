"""Reading ``?page=`` for the pages' paginators, one way everywhere."""

from __future__ import annotations

MAX_DIGITS = 8  # beyond any page count: the paginator gives its last page


def page_number(value: object) -> int:
    """``?page=`` as a number from 1: anything else (letters, 0, a negative number, nothing)
    is 1. Django's ``Paginator.get_page`` turns 0 and negative numbers into the LAST page."""
    text = value if isinstance(value, str) else ""
    digits = text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS
    return max(int(text), 1) if digits else 1
