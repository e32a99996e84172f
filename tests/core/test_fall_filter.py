"""The ``fall`` filter: a drawdown as ``pct``, a missing one as a grey dash."""

from core.templatetags.formatting import MINUS, NBSP, fall


def test_a_fall_reads_as_a_percentage():
    assert fall(-0.2341) == f"{MINUS}23.41{NBSP}%"


def test_a_missing_fall_is_marked_so_it_is_not_coloured_as_a_loss():
    assert fall(None) == '<span class="fall--none">\u2014</span>'
    assert fall("") == '<span class="fall--none">\u2014</span>'
