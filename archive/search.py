"""Full-text search of articles, behind one small interface.

On SQLite the search runs on the FTS5 index made by migration 0003 (porter stemming, so
"strikes" finds "strike"). Other databases fall back to a plain case-insensitive match of every
term until a PostgreSQL backend is added here; views and filters only ever call:

- `parse_query(text)` -> `SearchQuery` (words, "exact phrases", OR, -word, word*; never a
  syntax error),
- `matching(queryset, query)` -> the articles that match,
- `by_relevance(queryset, query)` -> the articles that match, best match first,
- `snippets(query, ids)` -> {article id: highlighted HTML snippet of the body}.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FTS_TABLE = "archive_article_fts"
# bm25 weights of the indexed columns: a match in the title counts most, then the standfirst.
RANK_WEIGHTS = "10.0, 5.0, 2.0, 1.0"  # title, standfirst, byline, body_text
MAX_TERMS = 12
MAX_QUERY_LENGTH = 200
_MARK_START, _MARK_END = "\x02", "\x03"
_TOKEN = re.compile(r'(-?)"([^"]*)"\*?|(\S+)')
# Words as FTS5's tokenizer sees them: letters and digits (an underscore separates words).
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Term:
    """A word or a phrase (its words joined by single spaces); `prefix` matches word starts."""

    text: str
    prefix: bool = False

    @property
    def fts5(self) -> str:
        return '"{}"{}'.format(self.text.replace('"', '""'), "*" if self.prefix else "")


@dataclass(frozen=True)
class SearchQuery:
    """What the reader asked for, in the syntax archive sites share: every word or "phrase" must
    match; `a OR b` matches either; `-word` excludes; `word*` matches words beginning so."""

    text: str
    clauses: tuple[tuple[Term, ...], ...] = ()  # all must match; each clause any of its terms
    excluded: tuple[Term, ...] = ()  # none may match

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(term for clause in self.clauses for term in clause)

    @property
    def fts5(self) -> str:
        """An FTS5 MATCH expression: every term quoted, so no input is ever a syntax error."""
        expression = " AND ".join(
            "(" + " OR ".join(term.fts5 for term in clause) + ")" for clause in self.clauses
        )
        if self.excluded:
            expression += " NOT (" + " OR ".join(term.fts5 for term in self.excluded) + ")"
        return expression


def parse_query(text: str) -> SearchQuery:
    text = (text or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for negated, phrase, bare in _TOKEN.findall(text):
        if bare == "OR":
            join_next = bool(clauses)
            continue
        if bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = _WORD.findall(phrase or bare)
        if not words:
            continue
        term = Term(" ".join(words), prefix=bool(bare.endswith("*") and len(words) == 1))
        if negated:
            excluded.append(term)
        elif join_next:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    unique = list(dict.fromkeys(tuple(dict.fromkeys(clause)) for clause in clauses))
    return SearchQuery(
        text=text,
        clauses=tuple(unique[:MAX_TERMS]),
        excluded=tuple(dict.fromkeys(excluded))[:MAX_TERMS],
    )


def _uses_fts() -> bool:
    return connection.vendor == "sqlite"


def matching(queryset: QuerySet, query: SearchQuery) -> QuerySet:
    if not query:
        return queryset
    if _uses_fts():
        # The MATCH runs alone in a sub-query, before any other filter is joined to it.
        return queryset.filter(
            id__in=RawSQL(  # noqa: S611 - the query is a bound parameter
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                [query.fts5],
            )
        )
    condition = Q()
    for clause in query.clauses:
        condition &= functools.reduce(operator.or_, (_contains(term) for term in clause))
    for term in query.excluded:
        condition &= ~_contains(term)
    return queryset.filter(condition)


def _contains(term: Term) -> Q:
    return (
        Q(title__icontains=term.text)
        | Q(standfirst__icontains=term.text)
        | Q(byline__icontains=term.text)
        | Q(body_text__icontains=term.text)
    )


def by_relevance(queryset: QuerySet, query: SearchQuery) -> QuerySet:
    """The articles that match, best match first (FTS5's bm25, lower is better), then newest.

    On SQLite the index is joined once, so every match is ranked in the same pass that finds it
    (a ranking sub-query per row would run the MATCH again for each article).
    """
    if not query:
        return queryset.order_by(F("published_date").desc(nulls_last=True), "-id")
    if not _uses_fts():
        return matching(queryset, query).order_by(F("published_date").desc(nulls_last=True), "-id")
    table = queryset.model._meta.db_table
    return queryset.extra(  # noqa: S610 - the query is a bound parameter
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = {table}.id", f"{FTS_TABLE} MATCH %s"],
        params=[query.fts5],
        select={"search_rank": f"bm25({FTS_TABLE}, {RANK_WEIGHTS})"},
        order_by=["search_rank", "-published_date", "-id"],
    )


def snippets(query: SearchQuery, ids: list[int]) -> dict[int, SafeString]:
    """A short extract of each article's body around its matches, the matches in <mark>."""
    if not query or not ids:
        return {}
    if _uses_fts():
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet({FTS_TABLE}, 3, %s, %s, '…', 32) FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_MARK_START, _MARK_END, query.fts5, *ids])
            rows = cursor.fetchall()
        return {rowid: _marked(text) for rowid, text in rows if text}
    from archive.models import Article

    texts = Article.objects.filter(id__in=ids).values_list("id", "body_text")
    return {pk: _marked(_plain_snippet(text, query)) for pk, text in texts}


def _marked(text: str) -> SafeString:
    """Escape a snippet, then turn the match markers into <mark> elements."""
    html = escape(text).replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> tags added


def _plain_snippet(text: str, query: SearchQuery, width: int = 200) -> str:
    """The fallback snippet: text around the first match, every match marked."""
    lowered = text.lower()
    positions = [lowered.find(term.text.lower()) for term in query.terms]
    first = min((p for p in positions if p >= 0), default=0)
    start = max(0, first - width // 3)
    extract = text[start : start + width]
    for term in query.terms:
        extract = re.sub(
            re.escape(term.text),
            lambda m: f"{_MARK_START}{m.group(0)}{_MARK_END}",
            extract,
            flags=re.I,
        )
    return ("…" if start else "") + extract + ("…" if start + width < len(text) else "")
