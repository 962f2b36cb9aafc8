"""What must hold before this process answers requests.

The settings load without a secret key when DEBUG is off, so that commands which sign nothing
(`check`, `makemigrations`, `migrate`, `collectstatic`) run anywhere. Serving is another
matter: `archive.wsgi` (gunicorn, runserver) refuses to start without a key, and
gunicorn.conf.py also refuses DEBUG and the development key.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY = (
    "DJANGO_SECRET_KEY must be set when DEBUG is off. For local work use the make targets, or "
    "run manage.py with DJANGO_ENV_FILE=.env (written by `make install`)."
)


def secret_key_is_set() -> bool:
    settings.DEBUG  # noqa: B018 - loads the settings, whose own refusals must not be caught
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to read an empty key
        return False


def refuse_to_serve_without_a_key() -> None:
    if not secret_key_is_set():
        raise ImproperlyConfigured(MISSING_KEY)
