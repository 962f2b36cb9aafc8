"""Search on SQLite: the FTS5 index made by migration 0003, ranked by bm25.

This module owns the index: its table, its columns and their weights (a test asserts the
migration made exactly these columns). The index uses the porter stemmer ("strikes" finds
"strike") and folds accents; it holds the article table's text (external content) and is kept
in step with it by triggers, so every write updates it.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

from django.db import OperationalError, connection

from archive.search.base import (
    MARK_END,
    MARK_START,
    MATCH_TABLE,
    Backend,
    SearchTimeout,
    ids_from,
    marked,
)
from archive.search.query import SearchQuery, Term

TABLE = "archive_article_fts"
# Column: bm25 weight. A match in the title counts most, then the standfirst and the byline.
COLUMNS = {"title": 10.0, "standfirst": 4.0, "byline": 4.0, "body_text": 1.0}
SNIPPET_COLUMN = list(COLUMNS).index("body_text")
SNIPPET_TOKENS = 32
PROGRESS_STEPS = 1000  # SQLite virtual-machine steps between two looks at the clock
ANALYZE_ABOVE = 1000  # matches


def term_expression(term: Term) -> str:
    """A term in FTS5 syntax: always a quoted string, so no input is ever a syntax error."""
    return '"{}"{}'.format(term.text.replace('"', '""'), "*" if term.prefix else "")


def match_expression(query: SearchQuery, column: str | None = None) -> str:
    """An FTS5 MATCH expression for the query (in one column when `column` is given)."""
    scope = f"{{{column}}} : " if column else ""
    expression = " AND ".join(
        "(" + " OR ".join(scope + term_expression(term) for term in clause) + ")"
        for clause in query.clauses
    )
    if query.excluded:
        expression += " NOT (" + " OR ".join(term_expression(t) for t in query.excluded) + ")"
    return expression


class SQLiteBackend(Backend):
    vendor = "sqlite"

    def ranked_matches(self, cursor, query):
        weights = ", ".join(str(w) for w in COLUMNS.values())
        cursor.execute(
            f"SELECT rowid, bm25({TABLE}, {weights}) FROM {TABLE} WHERE {TABLE} MATCH %s",  # noqa: S608
            [match_expression(query)],
        )
        return cursor.fetchall()

    def newest_matches(self, cursor, query, limit):
        # FTS5 walks its rowids backwards cheaply; group_concat hands them over as one string.
        cursor.execute(
            f"SELECT group_concat(rowid) FROM (SELECT rowid FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s)",
            [match_expression(query), limit],
        )
        return ids_from(cursor.fetchone()[0])

    def store_matches(self, cursor, search_id, ids, ranks):
        cursor.execute(
            f"INSERT INTO {MATCH_TABLE} (search_id, article_id, rank) "  # noqa: S608 - our names
            "SELECT %s, ids.value, ranks.value FROM json_each(%s) AS ids "
            "JOIN json_each(%s) AS ranks ON ranks.key = ids.key",
            [search_id, json.dumps(ids), json.dumps(ranks)],
        )

    def describe_matches(self, cursor, rows: int, seconds: float) -> None:
        if rows <= ANALYZE_ABOVE:
            return
        # Tell the planner how many rows there are, so that it joins a large match from the
        # articles' side (their indexes), not the other way round; a sample is enough.
        try:
            with self.bounded(seconds):
                cursor.execute("PRAGMA analysis_limit = 1000")
                cursor.execute(f"ANALYZE temp.{MATCH_TABLE}")
        except SearchTimeout:
            pass

    def snippets(self, query, ids, texts=None):
        # FTS5 cuts the extract from its own index in C, faster than reading the text again.
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet({TABLE}, {SNIPPET_COLUMN}, %s, %s, '…', {SNIPPET_TOKENS}) "  # noqa: S608
            f"FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [MARK_START, MARK_END, match_expression(query), *ids])
            rows = cursor.fetchall()
        return {rowid: marked(text) for rowid, text in rows if text}

    def problems(self) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [TABLE])
            if not cursor.fetchone():
                return [f"The full-text index {TABLE} is missing: run `manage.py migrate`."]
        return []

    @contextmanager
    def bounded(self, seconds: float, *, searching: bool = False):
        connection.ensure_connection()
        raw = connection.connection
        deadline = time.monotonic() + seconds
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
        try:
            yield
        except OperationalError as error:
            if "interrupt" in str(error):
                raise SearchTimeout(str(error)) from error
            raise
        finally:
            raw.set_progress_handler(None, 0)
