import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

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


def _run_in_subprocess(env_overrides: dict, command: list[str]):
    """Run a command in the checkout in a fresh interpreter with only the given DJANGO_*
    variables (and the default database)."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    env["DJANGO_ENV_FILE"] = ""  # the checkout's .env must not speak for the environment
    env.update(env_overrides)
    return subprocess.run(
        command, env=env, capture_output=True, text=True, cwd=str(Path(__file__).parents[1])
    )


def _settings_in_subprocess(env_overrides: dict, expression: str):
    """Import archive.settings in a fresh interpreter with only the given DJANGO_* variables."""
    code = f"from archive import settings as s; print({expression})"
    return _run_in_subprocess(env_overrides, [sys.executable, "-c", code])


def test_without_a_secret_key_settings_load_but_nothing_serves():
    result = _settings_in_subprocess({}, "s.DEBUG, repr(s.SECRET_KEY)")
    assert result.stdout.split() == ["False", "''"], result.stderr
    served = _run_in_subprocess({}, [sys.executable, "-c", "import archive.wsgi"])
    assert served.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in served.stderr


@pytest.mark.parametrize(
    "command", [["check"], ["makemigrations", "--check", "--dry-run"]], ids=" ".join
)
def test_commands_that_sign_nothing_run_in_a_bare_checkout(command):
    result = _run_in_subprocess({}, [sys.executable, "manage.py", *command])
    assert result.returncode == 0, result.stderr


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
