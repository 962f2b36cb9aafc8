"""Every response carries the security headers, and production's grade as the HTTP Observatory."""

import runpy

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from archive import urls as archive_urls
from tests import observatory
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "MIDDLEWARE",
]


def _assert_hardened(response) -> None:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"no Content-Security-Policy on {response.status_code} {response}"
    assert observatory.parse_csp(csp) == POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_public_pages_and_static_files_carry_the_strict_policy(client, published_article, pcs):
    for url in [
        "/",
        "/articles/",
        "/articles/?q=strike&union=pcs",
        published_article.get_absolute_url(),
        "/organisations/",
        pcs.get_absolute_url(),
        "/people/",
        "/events/",
        "/static/archive/enhance.js",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_hardened(response)


def test_error_responses_carry_the_headers_too(client):
    _assert_hardened(client.get("/articles/no-such-article/"))  # 404
    _assert_hardened(client.get("/static/no-such-file.css"))  # 404 from outside the app
    _assert_hardened(client.get("/", HTTP_HOST="evil.example"))  # 400: disallowed host
    _assert_hardened(client.post("/admin/login/", data="x" * 200_000, content_type="text/plain"))


def _broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", _broken_view), *archive_urls.urlpatterns]


@pytest.mark.urls(__name__)
def test_a_server_error_carries_the_headers_too(db):
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    _assert_hardened(response)


def test_the_admin_carries_the_strict_policy(client, editor_client, published_article):
    _assert_hardened(client.get("/admin/login/"))
    for url in [
        reverse("admin:index"),
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_article_change", args=[published_article.pk]),
        reverse("admin:archive_article_import"),
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        _assert_hardened(response)


def _production_settings(monkeypatch, **env) -> dict:
    """archive/settings.py as a production server reads it: DEBUG off, HTTPS, a real key."""
    for name in ("DJANGO_ENV_FILE", "DJANGO_DEBUG", "DJANGO_HTTPS", "DJANGO_HSTS_PRELOAD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "a-production-secret-" + "x" * 40)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(REPO / "archive" / "settings.py"))
    return {name: values[name] for name in SECURITY_SETTINGS}


def test_production_headers_grade_a_plus_as_the_http_observatory_grades_them(monkeypatch, editor):
    with override_settings(**_production_settings(monkeypatch)):
        browser = Client()
        redirect = browser.get("/", secure=False)
        home = browser.get("/", secure=True)
        grade = observatory.grade_response(home, redirect)
        assert (grade.letter, grade.score) == ("A+", 120), grade.results
        # Signed in: the session and CSRF cookies are Secure, HttpOnly where it matters, SameSite.
        browser.get("/admin/login/", secure=True)
        response = browser.post(
            "/admin/login/",
            {"username": "editor", "password": "a-long-test-password"},
            secure=True,
        )
        assert response.status_code == 302
        grade = observatory.grade_response(response, redirect)
        assert grade.results["cookies"] == (
            "cookies-secure-with-httponly-sessions-and-samesite",
            5,
        )
        assert grade.letter == "A+", grade.results


def test_the_grader_gives_what_the_site_had_before_its_policy_a_b(monkeypatch):
    """Guard the grader: without a Content-Security-Policy the Observatory gave about 75 (B)."""
    settings = _production_settings(monkeypatch)
    settings["MIDDLEWARE"] = [m for m in settings["MIDDLEWARE"] if not m.startswith("csp.")]
    settings["X_FRAME_OPTIONS"] = "DENY"
    with override_settings(**settings):
        browser = Client()
        grade = observatory.grade_response(
            browser.get("/", secure=True), browser.get("/", secure=False)
        )
    assert (grade.letter, grade.score) == ("B", 75), grade.results


def test_hsts_subdomains_and_preload_are_asked_for_only_when_configured(monkeypatch, db):
    with override_settings(**_production_settings(monkeypatch)):
        hsts = Client().get("/", secure=True).headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000"
    with override_settings(
        **_production_settings(
            monkeypatch, DJANGO_HSTS_INCLUDE_SUBDOMAINS="1", DJANGO_HSTS_PRELOAD="1"
        )
    ):
        hsts = Client().get("/", secure=True).headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains; preload"
