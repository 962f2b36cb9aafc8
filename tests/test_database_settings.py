"""How the archive talks to its database: PostgreSQL prepares the statements every page runs."""

import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import REPO

SHOW_OPTIONS = (
    "import runpy; s = runpy.run_path('archive/settings.py'); "
    "print(sorted(s['DATABASES']['default'].get('OPTIONS', {}).items()))"
)


def _options(**env) -> str:
    found = subprocess.run(
        [sys.executable, "-c", SHOW_OPTIONS],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": "s" * 50, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


def test_postgresql_binds_parameters_on_the_server_and_prepares_statements_by_default():
    options = _options(DATABASE_URL="postgres://reader@db.example:5432/readingroom")
    assert "('prepare_threshold', 5)" in options
    assert "('server_side_binding', True)" in options


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler():
    options = _options(
        DATABASE_URL="postgres://reader@db.example:5432/readingroom",
        DATABASE_PREPARED_STATEMENTS="0",
    )
    assert "prepare_threshold" not in options and "server_side_binding" not in options


def test_sqlite_is_not_given_postgresql_options():
    assert "server_side_binding" not in _options(DATABASE_URL="sqlite:////tmp/archive.sqlite3")


@pytest.mark.django_db
def test_a_page_read_again_runs_prepared_statements_on_postgresql(
    client, published_article, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    settings.ARCHIVE_PAGE_CACHE = False  # every request reads the database
    for _ in range(6):
        assert client.get(published_article.get_absolute_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("archive_article" in statement for statement in prepared), prepared
