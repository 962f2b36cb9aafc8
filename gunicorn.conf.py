"""gunicorn's settings for a production server: `gunicorn` in the checkout reads this file.

    gunicorn                                # archive.wsgi: GUNICORN_BIND, WEB_CONCURRENCY
    gunicorn --bind 0.0.0.0:8000 --workers 4  # options on the command line win

The server refuses to start with DEBUG on or without a real secret key, whatever files lie in
the checkout: the local `.env` is never read here (DJANGO_ENV_FILE is dropped).
"""

import multiprocessing
import os

# Local development settings never apply to a production server.
os.environ.pop("DJANGO_ENV_FILE", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

wsgi_app = "archive.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages are short database reads: a few synchronous workers per core.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
# The application is loaded and warmed up once, before the workers are forked
# (archive.serving.warm_up): a new worker's first request costs what any other does. Code
# changes need a restart, not a HUP.
preload_app = True
# No request may take longer: long work (imports) runs in the task worker, not here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so no slow leak lives long. Not much more
# often: a new worker starts with empty per-process caches and a new database connection, and
# at 2,000 a worker serving cached pages (about 1,500 a second each on two cores) was replaced
# every second or two, which showed as p99 spikes (make bench: 9-36 ms against 4 ms).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10

# The request line and headers: the longest address the article list makes (every facet
# value selected) stays well under 8 KB, and no browser sends a hundred headers.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Bodies are limited by archive.middleware.RequestBodyLimitMiddleware before Django reads them.

# GUNICORN_ACCESS_LOG= (empty) turns the access log off, e.g. when the proxy in front logs.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# The proxy in front terminates TLS and says so in X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server) -> None:
    """Load the settings before any worker starts, and refuse unsafe ones."""
    from django.conf import settings

    from archive.serving import MISSING_KEY, secret_key_is_set

    if not secret_key_is_set():
        raise SystemExit(f"Refusing to start: {MISSING_KEY}")
    if settings.DEBUG:
        raise SystemExit(
            "Refusing to start: DEBUG is on (DJANGO_DEBUG). A production server never runs "
            "with DEBUG; use `make run` for local work."
        )
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        raise SystemExit("Refusing to start: DJANGO_SECRET_KEY is the development key.")


def when_ready(server) -> None:
    """Warm the loaded application up before the first worker is forked."""
    from archive.serving import warm_up

    warm_up()


def post_worker_init(worker) -> None:
    """Before a new worker takes its first request: connect it to the database and the cache
    (connections are never shared across the fork), and let it make a few pages for itself
    (archive.serving.warm_worker), so no reader waits for either."""
    from archive.serving import connect, warm_worker

    try:
        warm_worker(worker.wsgi)
        connect()  # after the pages too: with DATABASE_CONN_MAX_AGE=0 they close theirs
    except Exception:  # noqa: BLE001 - a worker that fails here would stop the whole server
        worker.log.exception("Warming a new worker up failed; it serves requests as it is")
