from celery import shared_task


@shared_task
def token_add_backfill(job_id: int) -> str | None:
    """Backfill a token added from the catalogue; the job row carries progress and result.
    Not retried automatically: a failure is shown with its reason and staff retry it."""
    from curation.services import job_run

    job = job_run(job_id=job_id)
    return None if job is None else job.status
