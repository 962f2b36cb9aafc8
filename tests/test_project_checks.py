from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_settings_refuse_a_malformed_boolean(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from archive.settings import env_bool

    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "yes")
    assert env_bool("SOME_FLAG", False) is True


def _settings_in_subprocess(env_overrides: dict, expression: str):
    """Import archive.settings in a fresh interpreter with only the given DJANGO_* variables."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    env["DJANGO_ENV_FILE"] = ""  # the checkout's .env must not speak for the environment
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", f"from archive import settings as s; print({expression})"],
        env=env,
        capture_output=True,
        text=True,
        cwd=str(Path(__file__).resolve().parents[1]),
    )


def test_settings_require_a_secret_key_when_debug_is_off():
    result = _settings_in_subprocess({}, "s.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for_and_production_gets_strict_security_headers():
    result = _settings_in_subprocess(
        {"DJANGO_SECRET_KEY": "x" * 50},
        "s.DEBUG, s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS",
    )
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "DENY"], result.stderr
    result = _settings_in_subprocess({"DJANGO_DEBUG": "1"}, "s.DEBUG")
    assert result.stdout.strip() == "True"


def test_database_url_picks_sqlite_or_postgresql():
    default = _settings_in_subprocess(
        {"DJANGO_DEBUG": "1"}, "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']"
    )
    assert "sqlite3" in default.stdout and "db.sqlite3" in default.stdout, default.stderr
    postgres = _settings_in_subprocess(
        {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://reader:pw@db.internal:5432/archive"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']",
    )
    assert "postgresql" in postgres.stdout and "archive" in postgres.stdout, postgres.stderr


def test_a_local_env_file_fills_in_what_the_environment_lacks(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# local\nDJANGO_DEBUG=1\nDJANGO_ALLOWED_HOSTS='archive.test'\n")
    result = _settings_in_subprocess(
        {"DJANGO_ENV_FILE": str(env_file), "DJANGO_ALLOWED_HOSTS": "example.org"},
        "s.DEBUG, s.ALLOWED_HOSTS",
    )
    assert result.stdout.split() == ["True", "['example.org']"], result.stderr
