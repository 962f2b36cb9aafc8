"""Full-text search of articles: one interface, one backend per database.

- `parse_query(text)` -> `SearchQuery`: the reader's words, "phrases", OR, -word and word*, as
  query objects free of any database's syntax (query.py). Never an error.
- A search runs once per request, under the request's time budget, and its match (the ids of
  the matching articles, with their ranks when there are few enough to rank) is kept in
  memory for the rest of the request.
- `matching(queryset, query, notes=None)` -> the articles of `queryset` that match: the match
  written once to a temporary table (one row per matching article, with its rank) that the
  count, the page and every other statement of the request join instead of searching again.
- `by_relevance(queryset, query)` -> the same, best match first, then newest.
- `matched(query, notes=None)` -> the ids (and ranks) of every matching article and whether
  the match is complete: the same one match, for callers that count and order it themselves
  (the reading room's list, with its count index).
- `snippets(query, ids, texts)` -> {article id: an extract of its text, the matches in <mark>}.
- `expansions(query)` -> the names the search widened (aliases.py), for the note about them.

The backend (sqlite.py: FTS5; postgres.py: tsvector and GIN) is chosen once from the
connection's vendor; any other database is refused by a system check (checks.py).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, QuerySet
from django.utils.safestring import SafeString

from archive.search import aliases
from archive.search.base import Backend, Budget, SearchTimeout
from archive.search.query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    MIN_PREFIX,
    Expansion,
    SearchQuery,
    Term,
    parse_query,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "MIN_PREFIX",
    "Expansion",
    "SearchQuery",
    "SearchTimeout",
    "Term",
    "backend",
    "budget_milliseconds",
    "by_relevance",
    "expansions",
    "matched",
    "matching",
    "parse_query",
    "snippets",
    "unexpanded_text",
]

# Above this many matches a search is not ranked (ranking reads every match): the newest come
# first, as in the unsearched list.
RANK_LIMIT = 20_000
# A search reads at most this many matches (the most recently added): a word in nearly every
# article of a million-article archive answers in the time of one in a fifth of that, with a
# note that its counts are left out.
MATCH_LIMIT = 200_000
# When the search cannot finish within its budget, it shows this many matches, unranked.
FALLBACK_LIMIT = 2_000
# However little budget is left, the fallback gets this long.
FALLBACK_SECONDS = 0.1
# With less budget than this left, counts are left out without trying.
MIN_STATEMENT_SECONDS = 0.005
# Counting over a match of at most this many articles is never slow: it runs unbounded,
# sparing PostgreSQL the transaction and SET LOCAL round trips of a bounded statement.
SMALL_MATCH = 5_000

_search_ids = itertools.count(1)
_requests = itertools.count(1)
# The request this thread is serving (a connection, and so its match table, is per thread).
_current = threading.local()


def backend() -> Backend:
    """The backend for the default database, made once per vendor."""
    vendor = connection.vendor
    if vendor not in _backends:
        from archive.search.postgres import PostgresBackend
        from archive.search.sqlite import SQLiteBackend

        known = {b.vendor: b for b in (SQLiteBackend, PostgresBackend)}
        if vendor not in known:
            raise RuntimeError(f"Search has no backend for {vendor} (see archive/search/).")
        _backends[vendor] = known[vendor]()
    return _backends[vendor]


_backends: dict[str, Backend] = {}


def new_request(budget_seconds: float | None = None, **_signal_kwargs) -> None:
    """Forget the previous request's matches (connected to request_started in apps.py).
    Code that searches outside a request (a shell, a command) calls it to search afresh, with
    a time budget of its own if it gives one (else ARCHIVE_SEARCH_BUDGET_MS, a reader's)."""
    _current.request = next(_requests)
    _current.budget_seconds = budget_seconds


def request_done(**_signal_kwargs) -> None:
    """Empty the match table once the response is sent, so that the next request need not
    (connected to request_finished in apps.py)."""
    if connection.connection is None or not getattr(connection, "archive_search_rows", False):
        return
    try:
        with connection.cursor() as cursor:
            backend().clear_matches(cursor)
        connection.archive_search_rows = False
    except DatabaseError:
        pass  # the table went with its transaction or connection; the next search checks again


@dataclass
class Match:
    """One search of one request: the ids of the articles it matched (of any status), held in
    memory; written to the match table, under `search_id`, only for the statements that join
    it (see `matching`)."""

    search_id: int
    query: SearchQuery  # with its names expanded
    budget: Budget
    ids: list[int] = field(default_factory=list)
    ranks: list[float] | None = None  # beside ids, lower is better; None: not ranked
    complete: bool = True
    timed_out: bool = False  # cut short by the time budget (not by MATCH_LIMIT)
    stored: bool = False  # in the match table
    notes: list[str] = field(default_factory=list)
    sinks: list[list[str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.ids)

    @property
    def ranked(self) -> bool:
        return self.ranks is not None

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
        for sink in self.sinks:
            if text not in sink:
                sink.append(text)

    def attach(self, sink: list[str] | None) -> None:
        if sink is None or any(s is sink for s in self.sinks):
            return
        self.sinks.append(sink)
        for text in self.notes:
            if text not in sink:
                sink.append(text)


@dataclass
class _RequestState:
    request: int
    budget: Budget | None = None
    matches: dict = field(default_factory=dict)
    expanded: dict = field(default_factory=dict)
    stored: bool = False  # a match of this request is in the match table


def _state() -> _RequestState:
    request = getattr(_current, "request", 0)
    state = getattr(connection, "archive_search_state", None)
    if state is None or state.request != request:
        state = _RequestState(request=request)
        connection.archive_search_state = state
    return state


def _expanded(query: SearchQuery) -> SearchQuery:
    state = _state()
    if query.key not in state.expanded:
        state.expanded[query.key] = aliases.expand(query)
    return state.expanded[query.key]


def expansions(query: SearchQuery) -> tuple[Expansion, ...]:
    return _expanded(query).expansions if query else ()


def budget_milliseconds() -> int:
    return settings.ARCHIVE_SEARCH_BUDGET_MS


def _budget_seconds() -> float:
    return budget_milliseconds() / 1000


def unexpanded_text(query: SearchQuery) -> str:
    """The query as a reader would type it to search the names they typed alone."""
    return _expanded(query).unexpanded_text()


def match(query: SearchQuery) -> Match:
    """The request's match for `query`: searched the first time, remembered after."""
    expanded = _expanded(query)
    state = _state()
    if expanded.key in state.matches:
        return state.matches[expanded.key]
    engine = backend()
    if state.budget is None:
        state.budget = Budget(getattr(_current, "budget_seconds", None) or _budget_seconds())
    result = Match(search_id=next(_search_ids), query=expanded, budget=state.budget)
    for text in query.notes:
        result.note(text)
    with connection.cursor() as cursor:
        try:
            # Ranked, unless there are too many matches to rank (ranking reads every match).
            with engine.bounded(state.budget.remaining(), searching=True):
                result.ids = engine.newest_matches(cursor, expanded, MATCH_LIMIT + 1)
                if len(result.ids) <= RANK_LIMIT:
                    rows = engine.ranked_matches(cursor, expanded)
                    result.ids = [pk for pk, _ in rows]
                    result.ranks = [rank for _, rank in rows]
            if result.ranks is None:
                _unranked(result)
        except SearchTimeout:
            _fall_back(engine, cursor, result)  # start again, smaller
    state.matches[expanded.key] = result
    return result


def _unranked(result: Match) -> None:
    if len(result.ids) > MATCH_LIMIT:
        result.ids.sort(reverse=True)
        del result.ids[MATCH_LIMIT:]
        result.complete = False
        result.note(
            f"This search matches more than {MATCH_LIMIT:,} articles, more than one search "
            f"reads: it shows {MATCH_LIMIT:,} of them, newest first, without counts by facet. "
            "Add a word to narrow it."
        )
    else:
        result.note(
            f"This search matches more than {RANK_LIMIT:,} articles, too many to rank "
            "by relevance: the newest come first."
        )


def _fall_back(engine: Backend, cursor, result: Match) -> None:
    """The search ran out of time: show some of its matches, unranked, or none."""
    result.ranks, result.complete, result.timed_out = None, False, True
    try:
        with engine.bounded(max(FALLBACK_SECONDS, result.budget.remaining()), searching=True):
            result.ids = engine.newest_matches(cursor, result.query, FALLBACK_LIMIT)
        result.note(
            f"This search is too broad to finish in time: showing {FALLBACK_LIMIT:,} of its "
            "matches, unranked, without counts by facet. "
            "Add a word or choose a filter to narrow it."
        )
    except SearchTimeout:
        result.ids = []
        result.note(
            "This search is too broad to finish in time, so it shows nothing. "
            "Add a word or choose a filter to narrow it."
        )


def _stored(found: Match) -> Match:
    """The match written to the match table (once), for statements that join it."""
    if found.stored:
        return found
    engine = backend()
    state = _state()
    with connection.cursor() as cursor:
        engine.create_match_table(cursor)
        if getattr(connection, "archive_search_rows", False) and not state.stored:
            engine.clear_matches(cursor)  # the first of a request drops older rows
        connection.archive_search_rows = True
        state.stored = True
        if found.ids:
            ranks = found.ranks if found.ranks is not None else [0.0] * len(found.ids)
            engine.store_matches(cursor, found.search_id, found.ids, ranks)
        engine.describe_matches(cursor, found.total, found.budget.remaining())
    found.stored = True
    return found


class _BoundedCount:
    """A queryset of search results whose count() keeps to the search's time budget."""

    search_match: Match

    def count(self) -> int:
        if self._result_cache is not None:
            return len(self._result_cache)
        found = self.search_match
        if found.complete and found.total <= SMALL_MATCH:
            return super().count()
        try:
            if found.budget.remaining() < MIN_STATEMENT_SECONDS:
                raise SearchTimeout("no time left")  # without asking the database
            with backend().bounded(found.budget.remaining()):
                return super().count()
        except SearchTimeout:
            found.note(
                f"Too many matches to count in time: at most {found.total:,} articles "
                "(the page count is an estimate)."
            )
            return found.total


def matching(queryset: QuerySet, query: SearchQuery, notes: list[str] | None = None) -> QuerySet:
    """The articles of `queryset` that match `query` (all of them for an empty query), joined
    to the request's one match in the match table."""
    if not query:
        return queryset
    found = _stored(match(query))
    found.attach(notes)
    results = queryset.filter(search_match__search_id=found.search_id)
    results.__class__ = type(
        "SearchResults", (_BoundedCount, queryset.__class__), {"search_match": found}
    )
    return results


@dataclass(frozen=True)
class Matched:
    """What one search found, for callers that count and order it themselves."""

    ids: list[int]  # every matching article, of any status
    ranks: list[float] | None  # beside ids (lower is better); None when not ranked
    complete: bool  # False: cut short (MATCH_LIMIT reached, or out of time)
    notes: tuple[str, ...] = ()  # what the search said about itself (also given to `notes`)
    timed_out: bool = False  # cut short by the time budget: another try may find more


def matched(query: SearchQuery, notes: list[str] | None = None) -> Matched:
    """The request's one match for `query`, read from memory: no statement joins it."""
    found = match(query)
    found.attach(notes)
    return Matched(found.ids, found.ranks, found.complete, tuple(found.notes), found.timed_out)


def match_key(query: SearchQuery) -> str:
    """A short name for what `query` matches (its words once their names are widened, and
    the search backend): two queries with the same key find the same articles."""
    identity = repr((connection.vendor, _expanded(query).key))
    if identity.isascii():
        # Both backends fold case, so "Strike" finds what "strike" does. Only where every
        # letter is ASCII: elsewhere Python's idea of lower case may not be the index's.
        identity = identity.lower()
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def by_relevance(queryset: QuerySet, query: SearchQuery, notes: list[str] | None = None):
    """The matching articles, best match first, then newest (newest first with no query, or
    with too many matches to rank)."""
    newest = (F("published_date").desc(nulls_last=True), "-id")
    if not query:
        return queryset.order_by(*newest)
    results = matching(queryset, query, notes)
    if not results.search_match.ranked:
        return results.order_by(*newest)
    return results.order_by("search_match__rank", *newest)


def snippets(
    query: SearchQuery, ids: list[int], texts: dict[int, str] | None = None
) -> dict[int, SafeString]:
    """A short extract of each article's text around its matches, the matches in <mark>
    (`texts`: the articles' plain text, where the caller holds it)."""
    if not query or not ids:
        return {}
    return backend().snippets(_expanded(query), list(ids), texts)
