"""What must hold before this process answers requests.

The settings load without a secret key when DEBUG is off, so that commands which sign nothing
(`check`, `makemigrations`, `migrate`, `collectstatic`) run anywhere. Serving is another
matter: `archive.wsgi` (gunicorn, runserver) refuses to start without a key, and
gunicorn.conf.py also refuses DEBUG and the development key.
"""

from __future__ import annotations

import functools
import gc
import io
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

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
            pass  # the first request that needs it will try again
    for cache in caches.all():
        try:
            cache.get("archive:connect")  # Redis: connects; local memory: nothing to do
        except Exception:  # noqa: BLE001, S110 - the first request that needs it will retry
            pass


def warm_worker(application) -> list[tuple[str, str]]:
    """Make a few public pages once in a new worker, before its first reader (gunicorn.conf.py):
    a worker's first pages cost two to three times a later one's (the memory it shares with
    the master copied as it is first written to, the search index's first use, the first run
    of each statement), and readers arriving as it starts queue behind them. Each page is made
    with a session cookie, as an editor's request has, so none is read from the page cache or
    stored there. Returns (address, status) for each; a page that fails is logged and
    skipped."""
    made = []
    try:
        addresses = _warm_up_addresses()
    except Exception:
        logger.exception("Warming a new worker up: could not choose its pages")
        return made
    for address in addresses:
        path, _, query = address.partition("?")
        started: list[str] = []

        def start_response(status, headers, exc_info=None, started=started):
            started.append(status)

        try:
            response = application(_environ(path, query), start_response)
            try:
                for _chunk in response:
                    pass
            finally:
                response.close()  # request_finished, as after any request
            made.append((address, started[0] if started else ""))
        except Exception:
            logger.exception("Warming a new worker up: %s failed", address)
    return made


def _warm_up_addresses() -> list[str]:
    """Home, the list, a search (with its snippets), the timeline, a union's list and its
    organisation page: between them, the code and statements of most public pages."""
    from django.db import DatabaseError

    from archive import counts, links
    from archive.listing import list_url
    from archive.models import Organisation

    try:
        index = counts.index()
    except DatabaseError:
        return []  # not migrated yet: every page would fail
    addresses = [
        links.url("archive:home"),
        links.url("archive:article_list"),
        list_url({"q": ["union"], "sort": ["oldest"]}),
        links.url("archive:timeline"),
    ]
    # The union in the most published articles (one in none has no page to show).
    size = functools.partial(index.count_of, "organisations")
    unions = [
        o
        for o in index.entities["organisations"].values()
        if o.kind in Organisation.UNION_KINDS and size(o.id)
    ]
    if unions:
        union = max(unions, key=lambda o: size(o.id))
        addresses.append(list_url({"union": [union.slug]}))
        addresses.append(links.url("archive:organisation", union.slug))
    return addresses


def _environ(path: str, query: str) -> dict:
    """A GET of `path` from the server itself, over HTTPS (as the proxy says), to an allowed
    host, with a session cookie (as an editor's request has: the page cache is left alone)."""
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and "*" not in h]
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": hosts[0] if hosts else "localhost",
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=warm-up",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "https",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header:
        environ[header[0]] = header[1]
    return environ


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
