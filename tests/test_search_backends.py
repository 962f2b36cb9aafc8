"""One search backend per database, chosen from the connection, owning its index."""

import pytest
from django.core import checks
from django.db import connection

from archive import search
from archive.search import checks as search_checks
from archive.search import postgres, sqlite

pytestmark = pytest.mark.django_db


def test_the_backend_is_the_one_for_this_database():
    assert search.backend().vendor == connection.vendor
    assert search.backend() is search.backend()  # made once


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
def test_the_fts_migration_made_exactly_the_columns_the_sqlite_backend_owns():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {sqlite.TABLE} LIMIT 0")
        columns = [column[0] for column in cursor.description]
    assert columns == list(sqlite.COLUMNS)
    assert set(sqlite.COLUMNS) <= {
        f.name
        for f in connection.introspection.get_table_description(
            connection.cursor(), "archive_article"
        )
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tsvector is PostgreSQL's")
def test_the_postgres_migration_made_a_generated_weighted_vector_with_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type, is_generated, generation_expression "
            "FROM information_schema.columns "
            "WHERE table_name = 'archive_article' AND column_name = %s",
            [postgres.COLUMN],
        )
        data_type, generated, expression = cursor.fetchone()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'archive_article' "
            "AND indexdef LIKE %s",
            [f"%gin ({postgres.COLUMN})%"],
        )
        assert cursor.fetchone(), "no GIN index on the search vector"
    assert (data_type, generated) == ("tsvector", "ALWAYS")
    for column, weight in postgres.WEIGHTED_FIELDS.items():
        assert column in expression
        assert f"'{weight}'" in expression
    assert postgres.CONFIG in expression


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TOAST is PostgreSQL's")
def test_an_articles_long_texts_are_stored_apart_from_its_row_on_postgresql():
    # A broad search reads every matching row for its id: rows without their bodies are
    # several times fewer pages to read (scripts/benchmark_reading_room.py measures it).
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'archive_article'")
        (options,) = cursor.fetchone()
    assert "toast_tuple_target=128" in (options or [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tsvector is PostgreSQL's")
def test_the_database_keeps_the_search_vector_up_to_date(article_factory):
    article = article_factory(title="Walkout", slug="walkout", original="First text.")
    assert search.matching(type(article).objects.all(), search.parse_query("walkout")).exists()
    article.title = "Sit-in"
    article.save()
    search.new_request()
    assert not search.matching(type(article).objects.all(), search.parse_query("walkout")).exists()


def test_a_database_without_a_search_backend_is_refused(monkeypatch):
    class Other:
        vendor = "mysql"

    monkeypatch.setattr(search_checks, "connections", {"default": Other()})
    (error,) = search_checks.search_backend_check()
    assert error.id == "archive.E001"
    assert "mysql" in error.msg and "sqlite" in error.hint.lower()


def test_this_database_passes_the_search_check():
    errors = checks.run_checks()
    assert not [e for e in errors if e.id == "archive.E001"]
