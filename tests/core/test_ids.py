"""Ids from URLs: ASCII digits within bigint, else the 404 of an unknown id."""

import pytest
from django.http import Http404

from core.ids import id_from_url


@pytest.mark.parametrize(
    ("value", "number"), [("3", 3), (3, 3), ("9223372036854775807", 2**63 - 1)]
)
def test_it_reads_ascii_digits_within_bigint(value, number):
    assert id_from_url(value) == number


@pytest.mark.parametrize(
    "value",
    ["٣", "+3", " 3", "3 ", "0_3", "-3", "0", "", "9223372036854775808", "1" * 40, True, "3.0"],
)
def test_it_rejects_anything_else_as_not_found(value):
    with pytest.raises(Http404, match="No such thing"):
        id_from_url(value, missing="No such thing.")
