import pytest

from core.paging import page_number


@pytest.mark.parametrize(
    ("value", "number"),
    [("3", 3), ("1", 1), (None, 1), ("", 1), ("x", 1), ("0", 1), ("-1", 1), ("٣", 1),
     ("1.5", 1), (" 2", 1), ("123456789", 1), ("99999999", 99_999_999), (["2"], 1)],
)  # fmt: skip
def test_it_reads_a_page_number_from_one_and_anything_else_as_the_first_page(value, number):
    assert page_number(value) == number
