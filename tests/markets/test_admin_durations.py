"""The admin's figures written as the admin's language writes numbers."""

from datetime import UTC, datetime, timedelta

from django.contrib import admin
from django.utils import translation

from markets.models import RefreshRun

NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)


def test_a_runs_duration_is_written_as_the_admins_language_writes_numbers():
    """The French admin read "1234.5 s", a point for decimals and no thousands separator."""
    run = RefreshRun(started_at=NOW, finished_at=NOW + timedelta(seconds=1234.5))
    run_admin = admin.site._registry[RefreshRun]

    with translation.override("en"):
        english = run_admin.duration(run)
    with translation.override("fr"):
        french = run_admin.duration(run)

    assert english == "1,234.5\u00a0s"
    assert french == "1\u202f234,5\u00a0s"


def test_an_unfinished_run_has_no_duration():
    run_admin = admin.site._registry[RefreshRun]

    assert run_admin.duration(RefreshRun(started_at=NOW)) is None
