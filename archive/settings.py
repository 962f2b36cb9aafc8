"""Reading Room settings, read from environment variables with safe defaults.

DEBUG is off unless DJANGO_DEBUG=1. Production sets DJANGO_SECRET_KEY, DATABASE_URL
(postgres://...) and DJANGO_ALLOWED_HOSTS, and gets secure cookies, HSTS and an HTTPS redirect
unless DJANGO_HTTPS=0. A local `.env` file is read only by processes started with
DJANGO_ENV_FILE naming it (the make targets do): whatever lies in a checkout, a server started
without it gets none of the development settings.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but a clear yes or no is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def load_env_file(path: str) -> None:
    """KEY=value lines of a local, untracked .env file, for variables the environment lacks.

    `make install` writes one with DJANGO_DEBUG=1 in a developer's checkout; the make targets
    (and a developer who asks, with DJANGO_ENV_FILE=.env) read it. A file named but missing is
    an error: a developer who asks for local settings must not get production ones silently.
    """
    if not path:
        return
    if not Path(path).is_file():
        raise ImproperlyConfigured(f"DJANGO_ENV_FILE={path!r}: no such file.")
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip().strip("'\""))


load_env_file(os.environ.get("DJANGO_ENV_FILE", ""))

DEBUG = env_bool("DJANGO_DEBUG", False)

DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

# With DEBUG off and no key, SECRET_KEY stays empty: commands that sign nothing (check,
# migrate, collectstatic) still run, Django refuses anything that would sign, and
# archive.serving refuses to serve requests at all (archive/wsgi.py, gunicorn.conf.py).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is a development key: set a secret one.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "reversion",
    "archive",
]

# The security headers come first, so that every response gets them: static files, refusals
# and error pages too. Request bodies are measured (and refused when too large for who sends
# them where) before anything reads them.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "archive.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Failed sign-ins are counted per account and per address (django-axes, in the database that
# every app server shares). After ARCHIVE_LOGIN_FAILURE_LIMIT failures either is locked out
# for ARCHIVE_LOGIN_LOCKOUT_MINUTES: the lockout is checked before any password is hashed, and
# attempts while locked out change nothing (so a flood costs neither hashing nor writes). Each
# failure and each lockout is logged (logger "axes"). `manage.py axes_reset_username NAME` or
# `axes_reset_ip ADDRESS` lifts a lockout early.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("ARCHIVE_LOGIN_THROTTLING", True)
AXES_FAILURE_LIMIT = env_int("ARCHIVE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ARCHIVE_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "archive.signin.locked_out"
# The client's address: REMOTE_ADDR, or behind ARCHIVE_TRUSTED_PROXIES proxies (each adding to
# X-Forwarded-For) the address the outermost of them saw.
ARCHIVE_TRUSTED_PROXIES = env_int("ARCHIVE_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "archive.signin.client_ip"

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

TEMPLATES = [
    {
        # The public pages: Jinja2 templates in templates/ (archive/templating.py says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "archive.templating.environment",
        },
    },
    {
        # The admin (templates/admin overrides some of its pages) and the API's documentation.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in the checkout by default; DATABASE_URL=postgres://user:pass@host/db for production.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers never wait for a writer (WAL), commits skip most disk syncs (safe with WAL), and a
    # writer takes its lock up front instead of failing half-way when another process writes.
    # Temporary tables (the search's match table) stay in memory.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA temp_store=MEMORY;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound by the server, and a statement run five times on a connection is
    # prepared: PostgreSQL then skips parsing and planning it. Every page runs the same few
    # statements, whose planning cost more than their execution (make bench: the article page
    # 2.5 ms to 2.0 ms). Set DATABASE_PREPARED_STATEMENTS=0 behind a pooler in transaction
    # mode (PgBouncer before 1.21), where a prepared statement may not be on the next
    # transaction's connection.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every app server in production (REDIS_URL); per-process memory otherwise.
# "search" keeps broad searches' matches (archive/matches.py) apart from the pages, so that a
# run of pages never pushes out the matches that make narrowing a search cheap.
if os.environ.get("REDIS_URL"):
    CACHES = {
        name: {
            "BACKEND": "archive.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Several sites (or test runs) can share one Redis server.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "readingroom") + suffix,
        }
        for name, suffix in (("default", ""), ("search", "-search"))
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1000)},
        },
        "search": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "search-matches",
            "OPTIONS": {"MAX_ENTRIES": env_int("SEARCH_CACHE_MAX_ENTRIES", 100)},
        },
    }
# Whole public pages for anonymous readers, renewed by any write (archive/page_cache.py).
ARCHIVE_PAGE_CACHE = env_bool("ARCHIVE_PAGE_CACHE", True)
ARCHIVE_PAGE_CACHE_SECONDS = env_int("ARCHIVE_PAGE_CACHE_SECONDS", 600)
# A page is stored once a process has made it this many times under one generation (1: at
# once); each process remembers the ARCHIVE_PAGE_CACHE_ASKED pages it was asked for last.
ARCHIVE_PAGE_CACHE_MIN_REQUESTS = env_int("ARCHIVE_PAGE_CACHE_MIN_REQUESTS", 2)
ARCHIVE_PAGE_CACHE_ASKED = env_int("ARCHIVE_PAGE_CACHE_ASKED", 10_000)
# With Redis: how many pages each process also keeps in its own memory (archive/page_cache.py).
ARCHIVE_PAGE_COPIES = env_int("ARCHIVE_PAGE_COPIES", 500)
# The matches of a search too broad to rank, as positions in the count index, kept in the
# cache per index and query so that narrowing it by a filter does not search again
# (archive/matches.py). Separate from the page cache: `make bench` turns that off, not this.
ARCHIVE_SEARCH_MATCH_CACHE = env_bool("ARCHIVE_SEARCH_MATCH_CACHE", True)
ARCHIVE_SEARCH_MATCH_CACHE_SECONDS = env_int("ARCHIVE_SEARCH_MATCH_CACHE_SECONDS", 600)
# The count index (archive/counts.py) after a write: an archive of fewer published articles
# than this is reindexed by the next request (well under 100 ms); a larger one is reindexed by
# the worker (`manage.py db_worker`) while readers are served from the previous index, unless
# the rebuild asked for has not happened within ARCHIVE_COUNT_INDEX_STALE_SECONDS (no worker):
# then the next request rebuilds it.
ARCHIVE_COUNT_INDEX_SYNC_LIMIT = env_int("ARCHIVE_COUNT_INDEX_SYNC_LIMIT", 20_000)
ARCHIVE_COUNT_INDEX_STALE_SECONDS = env_int("ARCHIVE_COUNT_INDEX_STALE_SECONDS", 30)
# With each count index of an archive of at least ARCHIVE_COMMON_WORDS_MIN_ARTICLES, search up
# to ARCHIVE_COMMON_WORDS of its commonest words (in at most ARCHIVE_COMMON_WORDS_SECONDS) and
# store their matches with it, so no worker reads them again (archive/matches.py). 0: none.
ARCHIVE_COMMON_WORDS = env_int("ARCHIVE_COMMON_WORDS", 100)
ARCHIVE_COMMON_WORDS_MIN_ARTICLES = env_int("ARCHIVE_COMMON_WORDS_MIN_ARTICLES", 20_000)
ARCHIVE_COMMON_WORDS_SECONDS = env_int("ARCHIVE_COMMON_WORDS_SECONDS", 5)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The read-only JSON API (archive/api.py): anonymous reads only, throttled per client on the
# shared cache. ARCHIVE_API_RATE is requests per client, e.g. "120/minute" or "5000/day";
# behind N proxies set ARCHIVE_API_NUM_PROXIES=N so the client is read from X-Forwarded-For.
ARCHIVE_API_RATE = os.environ.get("ARCHIVE_API_RATE", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["archive.throttling.ClientThrottle"],
    "NUM_PROXIES": env_int("ARCHIVE_API_NUM_PROXIES", 0) or None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "archive.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Reading Room API",
    "DESCRIPTION": (
        "Read-only access to the Reading Room's published articles about trade unions and "
        "industrial disputes, and to the organisations, people and events they are about. "
        "The article list takes the reading room's own filter parameters."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"supportedSubmitMethods": ["get"]},
}

# The OAI-PMH endpoint (archive/oai.py): how the repository names itself to harvesters.
ARCHIVE_OAI_REPOSITORY_NAME = os.environ.get("ARCHIVE_OAI_REPOSITORY_NAME", "Reading Room")
ARCHIVE_OAI_ADMIN_EMAIL = os.environ.get("ARCHIVE_OAI_ADMIN_EMAIL", "webmaster@localhost")
# The namespace of record identifiers (oai:<this>:<id>); by default the request's host name.
ARCHIVE_OAI_REPOSITORY_ID = os.environ.get("ARCHIVE_OAI_REPOSITORY_ID", "")

# Largest original (HTML or text) the sanitiser and the importer accept, in bytes.
ARCHIVE_MAX_ORIGINAL_BYTES = env_int("ARCHIVE_MAX_ORIGINAL_BYTES", 5 * 1024 * 1024)
# Files one upload to the admin's "Import articles" page may hold (Django's default is 100).
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("ARCHIVE_MAX_UPLOAD_FILES", 1000)

# The time one request may spend searching (matching, counting, counts by facet), in ms. A
# search that needs longer answers at once with what it could compute, and says what it left out.
ARCHIVE_SEARCH_BUDGET_MS = env_int("ARCHIVE_SEARCH_BUDGET_MS", 300)
# Background tasks (django-tasks, the backport of Django 6's tasks framework): the admin's
# imports run in a worker, `manage.py db_worker`, which `make run` starts beside the server.
# The database backend needs no other service; ARCHIVE_TASKS_BACKEND may name another.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("ARCHIVE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# What one file of an admin import may cost to read (decode, extract, clean), checked in a
# separate process before it is imported: over either budget it is refused with the reason.
ARCHIVE_IMPORT_FILE_SECONDS = env_int("ARCHIVE_IMPORT_FILE_SECONDS", 30)
ARCHIVE_IMPORT_FILE_MEMORY_MB = env_int("ARCHIVE_IMPORT_FILE_MEMORY_MB", 512)
# Files smaller than this skip the trial (it costs a process and a second reading, and the
# sanitiser reads a small file in linear time); 0 tries every file.
ARCHIVE_IMPORT_TRIAL_BYTES = env_int("ARCHIVE_IMPORT_TRIAL_BYTES", 64 * 1024)

# Request bodies (archive.middleware.RequestBodyLimitMiddleware refuses larger ones with 413
# before reading them): small for everyone; an article's original and body (each up to the
# limit above, and up to three times larger once form-encoded) for signed-in editors in the
# admin; and a batch of files for the import page.
ARCHIVE_MAX_REQUEST_BYTES = env_int("ARCHIVE_MAX_REQUEST_BYTES", 64 * 1024)
ARCHIVE_MAX_EDITOR_REQUEST_BYTES = env_int(
    "ARCHIVE_MAX_EDITOR_REQUEST_BYTES", 7 * ARCHIVE_MAX_ORIGINAL_BYTES
)
ARCHIVE_MAX_IMPORT_REQUEST_BYTES = env_int("ARCHIVE_MAX_IMPORT_REQUEST_BYTES", 512 * 1024 * 1024)
# Django's own check on form data held in memory, which only editors can reach at this size.
DATA_UPLOAD_MAX_MEMORY_SIZE = ARCHIVE_MAX_EDITOR_REQUEST_BYTES

# Security headers. DJANGO_HTTPS (default: on when DEBUG is off) turns on the HTTPS-only ones.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    # Include subdomains and ask for preloading only when every subdomain serves HTTPS.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp) on every response, the admin's included: everything the
# pages use is served by us, and nothing inline, so nothing else may run, load or frame us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
