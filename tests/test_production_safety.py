"""A production start cannot be unsafe by accident, whatever files lie in the checkout."""

import gc
import os
import runpy
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import JsonResponse
from django.urls import path, reverse

from archive import urls as archive_urls
from archive.models import Article
from tests.conftest import REPO

GUNICORN = str(REPO / ".venv" / "bin" / "gunicorn")


def _clean_env(**overrides) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    env.update(overrides)
    return env


def test_a_checkout_with_a_debug_env_file_still_starts_without_debug(tmp_path):
    """The .env that `make install` writes is read only where DJANGO_ENV_FILE asks for it."""
    (tmp_path / "archive").mkdir()
    shutil.copy(REPO / "archive" / "settings.py", tmp_path / "archive" / "settings.py")
    (tmp_path / ".env").write_text("DJANGO_DEBUG=1\n")
    code = "import runpy; s = runpy.run_path('archive/settings.py'); print(s['DEBUG'])"

    bare = subprocess.run(
        [sys.executable, "-c", code], env=_clean_env(), cwd=tmp_path, capture_output=True, text=True
    )
    # DEBUG stays off; without a key nothing will serve (archive.serving), but settings load.
    assert bare.stdout.strip() == "False", bare.stderr
    keyed = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(DJANGO_SECRET_KEY="s" * 50),
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert keyed.stdout.strip() == "False", keyed.stderr
    asked = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(DJANGO_ENV_FILE=".env"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert asked.stdout.strip() == "True", asked.stderr


def test_a_development_key_is_refused_when_debug_is_off(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_ENV_FILE", raising=False)
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "django-insecure-local-development-only")
    with pytest.raises(ImproperlyConfigured, match="development key"):
        runpy.run_path(str(REPO / "archive" / "settings.py"))


@pytest.mark.skipif(not os.path.exists(GUNICORN), reason="gunicorn is not in .venv")
@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": "s" * 50}, "DEBUG is on"),
        ({"DJANGO_ENV_FILE": ".env"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "django-insecure-abc"}, "development key"),
    ],
    ids=["debug-asked-for", "env-file-asked-for", "development-key"],
)
def test_gunicorn_with_the_project_config_refuses_to_start_unsafe(tmp_path, env, reason):
    (tmp_path / ".env").write_text("DJANGO_DEBUG=1\n")
    result = subprocess.run(
        [GUNICORN, "--config", str(REPO / "gunicorn.conf.py"), "--chdir", str(REPO)],
        env=_clean_env(GUNICORN_BIND="127.0.0.1:0", **env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert reason in result.stderr + result.stdout


def test_the_gunicorn_config_sets_workers_timeouts_and_request_limits(monkeypatch):
    monkeypatch.setenv("DJANGO_ENV_FILE", ".env")  # restored after: the config drops it
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert "DJANGO_ENV_FILE" not in os.environ
    assert config["wsgi_app"] == "archive.wsgi:application"
    assert config["workers"] >= 2
    assert 0 < config["timeout"] <= 60
    assert config["limit_request_line"] <= 8190
    assert config["limit_request_fields"] <= 100
    assert config["limit_request_field_size"] <= 8190


def test_a_gunicorn_worker_is_not_replaced_every_few_thousand_requests(monkeypatch):
    """A new worker starts with empty caches and a new connection: at a thousand pages a
    second, replacing it every 2,000 requests showed as p99 spikes."""
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert config["max_requests"] >= 50_000
    assert 0 < config["max_requests_jitter"] < config["max_requests"]
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "5000")
    assert runpy.run_path(str(REPO / "gunicorn.conf.py"))["max_requests"] == 5000


# --- Request bodies ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_large_post_to_the_login_page_is_refused_before_it_is_read(client):
    response = client.post(
        "/admin/login/",
        {"username": "x", "password": "y", "padding": "z" * 100_000},
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


@pytest.mark.django_db
def test_a_malformed_content_length_is_refused(client):
    response = client.generic("POST", "/admin/login/", b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400


def _echo_view(request):
    return JsonResponse({"files": sorted(request.FILES), "fields": sorted(request.POST)})


urlpatterns = [path("echo/", _echo_view), *archive_urls.urlpatterns]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_files_posted_anywhere_but_the_import_page_are_not_parsed(client, editor_client):
    for poster in (client, editor_client):
        upload = SimpleUploadedFile("payload.html", b"<p>x</p>" * 100)
        response = poster.post("/echo/", {"username": "u", "file": upload})
        assert response.json() == {"files": [], "fields": ["username"]}


def test_an_editors_form_may_carry_an_original_and_a_body_at_the_archive_limit(settings):
    """Both fields at the limit, form-encoded (up to three bytes a byte), fit the editor's cap,
    and Django's own check on form data in memory is no lower."""
    at_the_limit = 2 * 3 * settings.ARCHIVE_MAX_ORIGINAL_BYTES
    assert settings.ARCHIVE_MAX_EDITOR_REQUEST_BYTES > at_the_limit
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= settings.ARCHIVE_MAX_EDITOR_REQUEST_BYTES


@pytest.mark.django_db
def test_an_editor_saves_a_body_larger_than_djangos_default_form_limit(
    editor_client, published_article
):
    paragraph = "<p>" + "Members of the union voted to strike over pay & pensions. " * 40 + "</p>\n"
    body = paragraph * (2_700_000 // len(paragraph))  # Django's default limit is 2.5 MB
    assert len(body.encode()) > 2.5 * 1024 * 1024
    url = reverse("admin:archive_article_change", args=[published_article.pk])
    data = {
        "title": published_article.title,
        "slug": published_article.slug,
        "status": published_article.status,
        "date_precision": published_article.date_precision,
        "published_date": "2011-11-30",
        "body_html": body,
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:500]
    published_article.refresh_from_db()
    assert len(published_article.body_text) > 2_500_000


@pytest.mark.django_db
def test_an_anonymous_visitor_cannot_send_an_editors_body(client, published_article):
    url = reverse("admin:archive_article_change", args=[published_article.pk])
    response = client.post(url, {"body_html": "x" * 1_000_000})
    assert response.status_code == 413
    assert Article.objects.get().body_html == published_article.body_html


@pytest.mark.django_db
def test_the_server_warms_up_before_forking_and_leaves_no_connection_open(monkeypatch):
    from django import db
    from django.template import engines

    from archive import counts, serving
    from archive.search import aliases

    closed = []
    monkeypatch.setattr(db.connections, "close_all", lambda: closed.append(True))
    counts.index()  # built and stored, as a worker or an earlier server did
    counts._latest.clear()
    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    serving.warm_up()
    assert closed  # a forked worker must not share the connection the warm-up opened
    assert frozen  # what the server loaded is not scanned by every collection
    index = counts._latest[db.connection.alias]
    assert index.token == counts.generation()
    pages = {template.name for template in engines["jinja2"].env.cache.values()}
    assert {"archive/article_list.html", "archive/includes/facets.html"} <= pages
    admin = set(engines["django"].engine.template_loaders[0].get_template_cache)
    assert "admin/archive/history_compare.html" in admin
    assert aliases._tables[db.connection.alias][0] == counts.generation()  # names read


def test_the_gunicorn_config_warms_the_application_up_before_forking(monkeypatch):
    monkeypatch.setenv("DJANGO_ENV_FILE", ".env")
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    assert callable(config["when_ready"])


@pytest.mark.django_db
def test_the_warm_up_never_builds_the_count_index(monkeypatch):
    from archive import counts, serving
    from archive.models import CountIndex

    CountIndex.objects.all().delete()
    counts._latest.clear()
    monkeypatch.setattr(gc, "freeze", lambda: None)
    monkeypatch.setattr(counts, "build", lambda token: pytest.fail("built while warming up"))
    serving.warm_up()  # a build (seconds on a large archive) would hold the whole server back
    assert not counts._latest


@pytest.mark.django_db
def test_the_warm_up_indexes_every_url_namespace_so_no_worker_does(monkeypatch):
    from django.urls import clear_url_caches, resolvers, reverse

    from archive import serving

    clear_url_caches()  # as a new server starts
    monkeypatch.setattr(gc, "freeze", lambda: None)
    serving.warm_up()
    built = []
    real = resolvers.URLResolver._populate
    monkeypatch.setattr(
        resolvers.URLResolver, "_populate", lambda self: built.append(self) or real(self)
    )
    reverse("archive:article_list")  # about 30 ms when a worker's first page did it
    reverse("admin:index")
    reverse("api:article_list")
    assert built == []


def test_a_new_worker_connects_and_warms_up_before_its_first_request(monkeypatch):
    from django import db
    from django.core import cache

    from archive import serving

    done = []
    monkeypatch.setenv("DJANGO_ENV_FILE", ".env")
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    database = SimpleNamespace(ensure_connection=lambda: done.append("database"))
    redis = SimpleNamespace(get=lambda key: done.append("cache"))
    monkeypatch.setattr(db.connections, "all", lambda **kwargs: [database])
    monkeypatch.setattr(cache.caches, "all", lambda **kwargs: [redis])
    monkeypatch.setattr(serving, "warm_worker", lambda app: done.append(("pages", app)))
    config["post_worker_init"](SimpleNamespace(wsgi="the application"))
    assert done == [("pages", "the application"), "database", "cache"]


def test_a_worker_whose_warm_up_fails_still_starts(monkeypatch):
    """An exception from post_worker_init would stop the whole server (gunicorn: "Worker
    failed to boot"), for instance Redis unreachable while a worker is replaced."""
    from archive import serving

    monkeypatch.setenv("DJANGO_ENV_FILE", ".env")
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    logged = []

    def unreachable(app):
        raise ConnectionError("Redis is not there")

    monkeypatch.setattr(serving, "warm_worker", unreachable)
    log = SimpleNamespace(exception=lambda message, *args: logged.append(message))
    config["post_worker_init"](SimpleNamespace(wsgi="the application", log=log))
    assert logged and "it serves requests as it is" in logged[0]


@pytest.fixture
def as_the_test_client():
    """Requests made straight through a WSGI handler keep the test's connection open, as the
    test client's do (its transaction would otherwise look unfinished and be closed)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_a_new_worker_makes_a_few_pages_before_its_first_reader(
    pcs, tuc, settings, as_the_test_client
):
    from django.core.handlers.wsgi import WSGIHandler

    from archive import page_cache, serving
    from tests.conftest import make_article

    make_article(title="Union ballot", slug="ballot", original="The union balloted.")
    make_article(title="PCS strike", slug="pcs-strike", organisations=[pcs])

    settings.ALLOWED_HOSTS = [".archive.example", "www.archive.example"]
    settings.SECURE_SSL_REDIRECT = True  # production: anything not over HTTPS is redirected
    page_cache._copies.clear()
    made = serving.warm_worker(WSGIHandler())
    addresses = [address for address, _ in made]
    assert addresses[:2] == ["/", "/articles/"]
    assert "/articles/?q=union&sort=oldest" in addresses
    assert {"/articles/?union=pcs", "/organisations/pcs/"} <= set(addresses)  # in an article
    assert {status for _, status in made} == {"200 OK"}  # made, not redirected or refused
    assert not page_cache._copies.entries  # as for an editor: the readers' cache untouched


@pytest.mark.django_db
def test_a_worker_warms_up_on_no_page_while_the_database_is_not_migrated(monkeypatch):
    from django.db import DatabaseError

    from archive import counts, serving

    def unmigrated():
        raise DatabaseError("no such table: archive_cachegeneration")

    monkeypatch.setattr(counts, "index", unmigrated)
    assert serving.warm_worker(lambda environ, start_response: pytest.fail("a page")) == []


@pytest.mark.django_db
def test_a_page_that_fails_while_a_worker_warms_up_is_logged_and_skipped(caplog):
    from archive import serving

    def broken(environ, start_response):
        raise RuntimeError("simulated")

    with caplog.at_level("ERROR"):
        made = serving.warm_worker(broken)
    assert made == []
    assert "Warming a new worker up: / failed" in caplog.text
