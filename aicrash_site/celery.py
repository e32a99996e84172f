import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aicrash_site.settings")

app = Celery("aicrash_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
