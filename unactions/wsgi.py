"""WSGI entry point: `gunicorn unactions.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unactions.settings")

application = get_wsgi_application()

# Each server process reads the facet index of searches as it starts, not on its first
# search (records/facetindex.py).
from unactions.records import facetindex  # noqa: E402

facetindex.warm_up()
