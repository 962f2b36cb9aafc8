"""What must hold before this process answers requests.

The settings load without a secret key when DEBUG is off, so that commands which sign nothing
(`check`, `makemigrations`, `migrate`, `collectstatic`) run anywhere. Serving is another
matter: `archive.wsgi` (gunicorn, runserver) refuses to start without a key, and
gunicorn.conf.py also refuses DEBUG and the development key.
"""

from __future__ import annotations

import gc
from pathlib import Path

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


def warm_up() -> None:
    """Do once, before gunicorn forks its workers (gunicorn.conf.py), what every worker's
    first request would otherwise do: import the views behind the URLs (the API's and the
    admin's libraries among them), compile the templates, load the stored count index and the
    names a search widens. Measured at 100,000 articles, a worker's first list page took about
    500 ms without this. The database connections it opened are closed, so no worker shares
    one."""
    from django.db import DatabaseError, connections
    from django.template import engines
    from django.template.loader import get_template
    from django.urls import get_resolver

    from archive import announcements, counts
    from archive.search import aliases

    _index_urls(get_resolver())  # imports every view module and indexes the URLs
    directories = {Path(directory) for engine in engines.all() for directory in engine.dirs}
    for root in directories:  # the project's own; libraries' compile when first used
        for path in sorted(root.rglob("*.html")):
            # As a page would: by the first engine that has it (Jinja2 for the public pages).
            get_template(path.relative_to(root).as_posix())
    try:
        with announcements.not_listening():  # each worker listens for itself
            counts.load_stored()  # never built here: that would hold the server back
            aliases.known_names()  # the names a search widens to their other names
    except DatabaseError:
        pass  # not migrated yet: the first request reads it
    finally:
        connections.close_all()
    # What is loaded now lives as long as the server: keep the garbage collector from scanning
    # it again at every collection (100,000 objects, some milliseconds a full collection), and
    # the forked workers from copying the pages it would touch.
    gc.collect()
    gc.freeze()


def connect() -> None:
    """Open this process's connections (each database, each cache): for a worker just forked,
    before its first request (gunicorn.conf.py), whose reader would otherwise wait for them
    (PostgreSQL: several milliseconds). A connection that cannot be made now is made by the
    first request that needs it, as usual."""
    from django.core.cache import caches
    from django.db import DatabaseError, connections

    for connection in connections.all():
        try:
            connection.ensure_connection()
        except DatabaseError:
            pass
    for cache in caches.all():
        try:
            cache.get("archive:connect")  # Redis: connects; local memory: nothing to do
        except Exception:  # noqa: BLE001, S110 - the first request that needs it will retry
            pass


def _index_urls(resolver) -> None:
    """Index the URLs for reversing, those of each namespace ("archive:", "admin:") too: Django
    builds and indexes a namespace's own resolver when a URL in it is first reversed, which
    cost a new worker's first page about 30 ms. Reversing one URL of each does it."""
    from django.urls import NoReverseMatch, reverse

    resolver.reverse_dict  # noqa: B018
    for namespace, (_prefix, inner) in resolver.namespace_dict.items():
        for name in inner.reverse_dict:
            if not isinstance(name, str):
                continue  # a view function: reversed by its name
            try:
                reverse(f"{namespace}:{name}")
                break
            except NoReverseMatch:
                continue  # it needs arguments
