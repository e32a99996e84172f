"""The backfill of a token added from the catalogue reports progress, failure and retries."""

from __future__ import annotations

import pytest

from curation import services
from curation.models import TokenAddJob
from markets.models import Snapshot
from markets.providers.base import TransientProviderError

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(staff, ai, tao):
    return TokenAddJob.objects.create(token=tao, token_list=ai, requested_by=staff)


def test_a_backfill_stores_history_and_ends_done_at_100(job, settings):
    settings.PRICE_PROVIDER = "demo"
    done = services.job_run(job_id=job.pk, days=2)
    assert (done.status, done.progress) == (TokenAddJob.Status.DONE, 100)
    assert done.message == f"{Snapshot.objects.filter(token=job.token).count()} prices stored."
    assert done.run is not None


def test_running_a_job_twice_does_nothing_the_second_time(job, settings):
    settings.PRICE_PROVIDER = "demo"
    services.job_run(job_id=job.pk, days=1)
    assert services.job_run(job_id=job.pk, days=1) is None


def test_a_provider_failure_says_why_and_can_be_retried(job, staff, monkeypatch):
    def failing(**_kwargs):
        raise TransientProviderError("/coins/bittensor/market_chart/range: HTTP 429")

    monkeypatch.setattr("markets.services.refresh.token_backfill", failing)
    failed = services.job_run(job_id=job.pk)
    assert (failed.status, failed.progress) == (TokenAddJob.Status.FAILED, 100)
    assert "HTTP 429" in failed.message

    monkeypatch.setattr("curation.tasks.token_add_backfill.delay", lambda _pk: None)
    retried = services.job_retry(actor=staff, job=failed)
    assert (retried.status, retried.progress, retried.message) == ("queued", 0, "")


def test_only_a_failed_job_can_be_retried(job, staff):
    with pytest.raises(Exception, match="failed"):
        services.job_retry(actor=staff, job=job)


def test_a_backfill_that_cannot_get_the_market_data_lease_fails_with_its_reason(job, monkeypatch):
    """A refresh holding the lease longer than the wait left the job "running" at 10 % for
    ever: the bar polled every second and no Retry button ever appeared."""
    from markets.services.locks import LeaseBusy

    def busy(**_kwargs):
        raise LeaseBusy("backfill TAO: a refresh, backfill or import is running; try again later")

    monkeypatch.setattr("markets.services.refresh.token_backfill", busy)
    failed = services.job_run(job_id=job.pk)
    assert (failed.status, failed.progress) == (TokenAddJob.Status.FAILED, 100)
    assert "try again later" in failed.message


def test_a_backfill_that_crashes_is_recorded_as_failed_not_left_running(job, monkeypatch):
    def crash(**_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("markets.services.refresh.token_backfill", crash)
    with pytest.raises(RuntimeError):
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress) == (TokenAddJob.Status.FAILED, 100)
    assert "disk full" in job.message


def test_a_backfill_the_broker_cannot_take_ends_failed_with_the_reason_not_queued_for_ever(
    client, staff, ai, monkeypatch, django_capture_on_commit_callbacks
):
    """Redis down: the pick answered a 500 although the coin was added, and its job said
    "Queued" for ever with no Retry button."""
    from kombu.exceptions import OperationalError

    def down(_pk):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("curation.tasks.token_add_backfill.delay", down)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/curate/lists/ai/catalogue/add/", {
            "coingecko_id": "render-token", "symbol": "RENDER", "name": "Render"})  # fmt: skip
    assert response.status_code == 302
    job = TokenAddJob.objects.get()
    assert (job.status, job.progress) == (TokenAddJob.Status.FAILED, 100)
    assert "Connection refused" in job.message and "task broker" in job.message
    html = client.get(f"/curate/jobs/{job.pk}/").content.decode()
    assert "Retry" in html


def test_a_finished_backfill_speaks_the_language_of_the_staff_member_reading_it(
    client, staff, job, settings
):
    """The worker wrote "123 prices stored." in English, and French staff read it so."""
    settings.PRICE_PROVIDER = "demo"
    done = services.job_run(job_id=job.pk, days=1)
    stored = done.run.quotes_stored
    client.force_login(staff)
    for url in (f"/curate/jobs/{job.pk}/", "/curate/"):
        french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert f"{stored} prix enregistrés." in french and "prices stored" not in french, url
        english = client.get(url).content.decode()
        assert f"{stored} prices stored." in english, url


def _quiet_for(job: TokenAddJob, seconds: int) -> None:
    """As if nothing had changed the job for this long (no worker took it)."""
    from datetime import timedelta

    from django.utils import timezone

    TokenAddJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.mark.parametrize(("quiet", "every"), [(0, "1s"), (90, "5s"), (600, "30s")])
def test_it_polls_a_quiet_job_less_and_less_often(client, staff, job, quiet, every):
    """With no worker running a queued job was polled every second for ever."""
    _quiet_for(job, quiet)
    client.force_login(staff)
    html = client.get(f"/curate/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-trigger="every {every}"' in html


def test_it_tells_staff_when_no_worker_seems_to_take_a_queued_job(client, staff, job):
    client.force_login(staff)
    url = f"/curate/jobs/{job.pk}/"
    warning = "No background worker seems to be running"
    assert warning not in client.get(url, HTTP_HX_REQUEST="true").content.decode()

    _quiet_for(job, 180)
    english = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    french = client.get(url, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    page = client.get("/curate/").content.decode()

    assert warning in english and warning in page
    assert "Aucun worker ne semble tourner" in french
    job.refresh_from_db()
    assert job.status == TokenAddJob.Status.QUEUED  # only said, not recorded


def test_a_running_job_quiet_for_long_is_not_said_to_lack_a_worker(client, staff, job):
    TokenAddJob.objects.filter(pk=job.pk).update(status=TokenAddJob.Status.RUNNING)
    _quiet_for(job, 600)
    client.force_login(staff)
    html = client.get(f"/curate/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "No background worker" not in html and 'hx-trigger="every 30s"' in html
