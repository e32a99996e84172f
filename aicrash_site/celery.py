import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aicrash_site.settings")


class _Settings:
    """Django's settings as Celery reads them, loaded on first use: a settings error stops a
    worker or beat with its one-line message (as manage.py does), not a traceback."""

    def __getattr__(self, name: str):
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        try:
            return getattr(settings, name)
        except ImproperlyConfigured as exc:
            sys.exit(f"ImproperlyConfigured: {exc}")

    def __dir__(self):
        from django.conf import settings

        return dir(settings)


app = Celery("aicrash_site")
app.config_from_object(_Settings(), namespace="CELERY")
app.autodiscover_tasks()
