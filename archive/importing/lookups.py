"""The reads the importer makes for every file, each query built once a run.

Every file is looked up by its checksum, most by their URL, and each is given a free slug: three
small indexed reads that the database answers in a few microseconds, but for which the ORM takes
about a quarter of a millisecond to build the same SQL again each time. Here each is built once
(by the ORM, for the run's database, so the SQL is exactly what the querysets would run) and then
run with each file's values through a cursor, which still passes through Django's execute
wrappers and query logging.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connections, router
from django.db.models import QuerySet

from archive.models import Article

# What a duplicate report names of the article found.
FOUND_FIELDS = ("id", "slug", "title")


class _Compiled:
    """A queryset's SQL for some number of values, built once for each number asked for."""

    def __init__(self, build: Callable[[list[str]], QuerySet]) -> None:
        self.build = build
        self.using = router.db_for_read(Article)
        self.sql: dict[int, str] = {}

    def rows(self, values: Sequence[str]) -> list[tuple]:
        values = list(dict.fromkeys(values))  # as an __in lookup takes them: each once
        if not values:
            return []
        sql = self.sql.get(len(values))
        if sql is None:
            queryset = self.build([f"value {number}" for number in range(len(values))])
            sql, params = queryset.query.get_compiler(self.using).as_sql()
            if list(params) != [f"value {number}" for number in range(len(values))]:
                raise ValueError(f"the query does not take just its values: {params!r}")
            self.sql[len(values)] = sql
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchall()


class Lookups:
    """One import run's per-file reads of the archive."""

    def __init__(self) -> None:
        # The first of the articles with one of the values, in the articles' own order, as
        # `.values(*FOUND_FIELDS).first()` reads it.
        self._by_checksum = _Compiled(
            lambda values: Article.objects.filter(original_checksum__in=values).values(
                *FOUND_FIELDS
            )[:1]
        )
        self._by_url = _Compiled(
            lambda values: Article.objects.filter(url__in=values).values(*FOUND_FIELDS)[:1]
        )
        self._slugs = _Compiled(
            lambda values: (
                Article.objects.filter(slug__in=values).order_by().values_list("slug", flat=True)
            )
        )

    def article_with_checksum(self, checksums: Sequence[str]) -> dict | None:
        """The id, slug and title of the article holding one of these checksums, or None."""
        return _first(self._by_checksum.rows(checksums))

    def article_with_url(self, urls: Sequence[str]) -> dict | None:
        """The id, slug and title of the first article with one of these URLs, or None."""
        return _first(self._by_url.rows(urls))

    def slugs_taken(self, slugs: Sequence[str]) -> set[str]:
        """Those of the slugs that articles have."""
        return {slug for (slug,) in self._slugs.rows(slugs)}


def _first(rows: list[tuple]) -> dict | None:
    return dict(zip(FOUND_FIELDS, rows[0], strict=True)) if rows else None
