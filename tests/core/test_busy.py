"""core.busy: at most a few heavy requests of one kind at once per client."""

from contextlib import ExitStack

import pytest

from core.busy import client_slot


def test_a_client_gets_at_most_its_limit_at_once_and_its_places_back_after():
    with ExitStack() as stack:
        taken = [
            stack.enter_context(client_slot(kind="replay", ident="10.0.0.1", limit=2))
            for _ in range(3)
        ]
        assert taken == [True, True, False]
        with client_slot(kind="replay", ident="10.0.0.2", limit=2) as other_client:
            assert other_client
        with client_slot(kind="export", ident="10.0.0.1", limit=2) as other_kind:
            assert other_kind
    with client_slot(kind="replay", ident="10.0.0.1", limit=1) as again:
        assert again  # every place was given back, the refused one too


def test_a_place_is_given_back_when_the_work_fails():
    with pytest.raises(RuntimeError), client_slot(kind="replay", ident="10.0.0.3", limit=1):
        raise RuntimeError("the page failed")
    with client_slot(kind="replay", ident="10.0.0.3", limit=1) as free:
        assert free
