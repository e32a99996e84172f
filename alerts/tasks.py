"""Thin Celery tasks: evaluation after every metrics change."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=10, retry_backoff_max=300, max_retries=5
)
def evaluate_alerts() -> dict:
    from alerts.engine import alerts_evaluate

    result = alerts_evaluate()
    return {"rules": result.rules, "fired": result.fired, "duplicates": result.duplicates}
