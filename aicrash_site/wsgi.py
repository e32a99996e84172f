import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aicrash_site.settings")
try:
    application = get_wsgi_application()
except ImproperlyConfigured as exc:
    # A setting to fix: its one-line message (as manage.py shows it), not a traceback. Exit
    # status 3 is gunicorn's "worker failed to boot": the server stops instead of retrying.
    print(f"ImproperlyConfigured: {exc}", file=sys.stderr)
    sys.exit(3)
