"""Deployment checks (``manage.py check --deploy``) on settings that would fail quietly."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs) -> list[Warning]:
    """Sign-in lockouts, API rate limits and the page cache's data version live in the cache:
    in each process's own memory, every gunicorn worker counts apart and misses the others'
    (and the Celery workers') changes."""
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("LocMemCache"):
        return []
    return [
        Warning(
            "The cache is each process's own memory: sign-in lockouts and API rate limits "
            "count per process, and pages miss the workers' refreshes until they expire.",
            hint="Set CELERY_BROKER_URL to Redis (the cache follows it) or REDIS_CACHE_URL.",
            id="core.W001",
        )
    ]


@register(Tags.security, deploy=True)
def site_url_host_check(app_configs, **kwargs) -> list[Warning]:
    """Alert emails link to SITE_URL: a host ALLOWED_HOSTS does not name answers them 400."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    if validate_host(host, settings.ALLOWED_HOSTS):
        return []
    return [
        Warning(
            f"SITE_URL's host {host} is not in ALLOWED_HOSTS: the links of emails would be "
            "answered 400 Bad Request.",
            hint=f"Add {host} to ALLOWED_HOSTS, or correct SITE_URL.",
            id="core.W002",
        )
    ]
