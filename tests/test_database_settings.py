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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # writes commit
def test_a_migration_that_retypes_a_column_costs_one_failed_request_not_every_one(
    client, published_article, settings
):
    """A column whose type changes (a longer source) outdates the article page's prepared
    statement: PostgreSQL refuses it once, the connection is closed, the next request works."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    import psycopg

    settings.ARCHIVE_PAGE_CACHE = False
    page = published_article.get_absolute_url()
    for _ in range(6):
        assert client.get(page).status_code == 200
    params = connection.get_connection_params()
    params.pop("cursor_factory", None), params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        (length,) = other.execute(
            "SELECT character_maximum_length FROM information_schema.columns "
            "WHERE table_name = 'archive_article' AND column_name = 'source'"
        ).fetchone()
        other.execute(f"ALTER TABLE archive_article ALTER COLUMN source TYPE varchar({length + 1})")
        try:
            client.raise_request_exception = False
            refused = client.get(page)
            client.raise_request_exception = True
            assert refused.status_code == 500
            assert client.get(page).status_code == 200
            assert client.get(page).status_code == 200
        finally:
            connection.close()  # its plans are for the type changed back below
            other.execute(f"ALTER TABLE archive_article ALTER COLUMN source TYPE varchar({length})")
