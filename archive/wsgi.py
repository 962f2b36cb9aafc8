"""WSGI entry point for gunicorn (`gunicorn archive.wsgi`) and runserver: it refuses to serve
without a secret key (archive.serving)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

application = get_wsgi_application()

from archive.serving import refuse_to_serve_without_a_key  # noqa: E402 - needs the settings

refuse_to_serve_without_a_key()
