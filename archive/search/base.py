"""What every search backend provides, and the time budget they all run under."""

from __future__ import annotations

import json
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

    def ranked_matches(self, cursor, query: SearchQuery) -> list[tuple[int, float]]:
        """(article id, rank) of every article `query` matches (lower rank is better), in no
        particular order: called only when there are few enough to rank."""
        raise NotImplementedError

    def newest_matches(self, cursor, query: SearchQuery, limit: int) -> list[int]:
        """The ids of the articles `query` matches, at most `limit` of them: when there are
        more, the most recently added where the index reads them so cheaply, else whichever
        it finds first. In one row, not one row per match: reading a hundred thousand rows
        through the driver costs more than the search itself."""
        raise NotImplementedError

    def store_matches(self, cursor, search_id: int, ids: list[int], ranks: list[float]) -> None:
        """Put a match into the match table under `search_id`, for the statements that join it
        (exports, the API, feeds): the reading room's list pages never need it."""
        raise NotImplementedError

    def describe_matches(self, cursor, rows: int, seconds: float) -> None:
        """Tell the query planner about the match table when it needs telling, within
        `seconds` (or not at all: the matches are all there, the planner guesses)."""

    def snippets(
        self, query: SearchQuery, ids: list[int], texts: dict[int, str] | None = None
    ) -> dict[int, SafeString]:
        """An extract of each article's text around its matches. `texts`, the articles' plain
        text where the caller holds it already, saves reading it again."""
        raise NotImplementedError

    def problems(self) -> list[str]:
        """What is missing for this backend to work on the default database (for the check)."""
        return []

    @contextmanager
    def bounded(self, seconds: float, *, searching: bool = False):
        """Statements run in the block are stopped after `seconds`, raising SearchTimeout
        (`searching`: the block reads the full-text index, which may want planner settings)."""
        raise NotImplementedError
        yield


class Budget:
    """The time a request may spend on its search: matching, counting and facet counts."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


def ids_from(joined: str | None) -> list[int]:
    """The ids of a comma-joined list from the database (one row, not one row per match):
    json parses a hundred thousand of them in C, several times faster than int() each."""
    return json.loads(f"[{joined}]") if joined else []


def marked(text: str) -> SafeString:
    """Escape a snippet, then turn the match markers into <mark> elements."""
    # Neighbouring matches (the words of a phrase) make one mark, whichever database marked them.
    text = re.sub(f"{MARK_END}(\\s+){MARK_START}", r"\1", text)
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> tags added


def vendor() -> str:
    return connection.vendor
