"""Editing a comment again and again must not keep every cached page of the site empty:
like votes, edits refresh the anonymous page cache at most every few seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from core.cache import data_version
from discussions import services
from discussions.services.comments import EDIT_BUMP_SECONDS
from tests.discussions.conftest import comment

NOW = datetime(2026, 2, 6, 8, 0, tzinfo=UTC)


def test_edits_flipped_in_a_loop_bump_the_data_version_at_most_every_few_seconds(
    alice, bob, tao, django_capture_on_commit_callbacks
):
    """Each edit used to bump the data version: alternating two texts through the API (600
    requests a minute) or the page kept the whole site's anonymous cache empty."""
    with time_machine.travel(NOW, tick=False) as frozen:
        mine = comment(alice, "first")
        theirs = comment(bob, "other")
        before = data_version()
        with django_capture_on_commit_callbacks(execute=True):
            for body in ("a", "b", "a", "b"):
                services.comment_edit(comment=mine, user=alice, body=body)
            services.comment_edit(comment=theirs, user=bob, stance="bearish")
        assert data_version() == before + 1
        frozen.shift(timedelta(seconds=EDIT_BUMP_SECONDS + 1))
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_edit(comment=mine, user=alice, body="final")
        assert data_version() == before + 2
