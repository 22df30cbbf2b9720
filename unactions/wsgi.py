"""WSGI entry point: `gunicorn unactions.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unactions.settings")

application = get_wsgi_application()
