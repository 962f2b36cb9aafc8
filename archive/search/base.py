"""What every search backend provides, and the time budget they all run under."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.search.query import SearchQuery

MATCH_TABLE = "search_match"  # the temporary table behind archive.models.SearchMatch
MARK_START, MARK_END = "\x02", "\x03"


class SearchTimeout(Exception):
    """A search statement ran out of its time budget and was stopped by the database."""


class Backend:
    """One database's full-text search. Subclasses own their index and its syntax."""

    vendor = ""

    def create_match_table(self, cursor) -> None:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {MATCH_TABLE} ("
            "search_id integer NOT NULL, article_id bigint NOT NULL, rank double precision "
            "NOT NULL, PRIMARY KEY (search_id, article_id))"
        )

    def clear_matches(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {MATCH_TABLE}")  # noqa: S608 - our name

    def count_matches(self, cursor, query: SearchQuery, limit: int) -> int:
        """How many articles `query` matches, counting no further than `limit`."""
        raise NotImplementedError

    def insert_matches(
        self, cursor, search_id: int, query: SearchQuery, *, ranked: bool, limit: int | None
    ) -> int:
        """Put the articles `query` matches into the match table under `search_id`, ranked
        (lower is better) or not (rank 0), at most `limit` of them (the most recently added);
        return how many."""
        raise NotImplementedError

    def describe_matches(self, cursor, rows: int, seconds: float) -> None:
        """Tell the query planner about the match table when it needs telling, within
        `seconds` (or not at all: the matches are all there, the planner guesses)."""

    def snippets(self, query: SearchQuery, ids: list[int]) -> dict[int, SafeString]:
        raise NotImplementedError

    def problems(self) -> list[str]:
        """What is missing for this backend to work on the default database (for the check)."""
        return []

    @contextmanager
    def bounded(self, seconds: float):
        """Statements run in the block are stopped after `seconds`, raising SearchTimeout."""
        raise NotImplementedError
        yield


class Budget:
    """The time a request may spend on its search: matching, counting and facet counts."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


def marked(text: str) -> SafeString:
    """Escape a snippet, then turn the match markers into <mark> elements."""
    # Neighbouring matches (the words of a phrase) make one mark, whichever database marked them.
    text = re.sub(f"{MARK_END}(\\s+){MARK_START}", r"\1", text)
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> tags added


def vendor() -> str:
    return connection.vendor
