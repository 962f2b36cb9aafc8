"""The search language readers type, parsed into query objects free of any database's syntax.

    general strike          every word must match (in any order, anywhere in the article)
    "general strike"        the words together, in this order
    pay OR pensions         either word
    strike -ballot          articles with "strike" but without "ballot"
    negot*                  words beginning so (at least MIN_PREFIX letters)

Parsing never fails: unknown syntax is read as words, punctuation is dropped, and what was
changed or left out is said in `SearchQuery.notes`. A query has at most MAX_TERMS terms, so no
query can make the database do unbounded work. The backends (sqlite.py, postgres.py) turn the
objects into their own syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
MIN_PREFIX = 3
_TOKEN = re.compile(r'(-?)"([^"]*)"\*?|(\S+)')
# Words as both databases' tokenizers see them: letters and digits (an underscore separates
# words); an apostrophe inside a word (O'Brien, don't) is kept in the term.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def words(text: str) -> list[str]:
    """The words of `text` as a search reads them (a word's inner apostrophes kept)."""
    return _WORD.findall(text)


@dataclass(frozen=True)
class Term:
    """A word or a phrase (its words joined by single spaces).

    `prefix` matches words beginning with the (one-word) text; `quoted` means the reader wrote
    it in quotes, which also means "exactly this": a quoted name is not expanded to its aliases.
    """

    text: str
    prefix: bool = False
    quoted: bool = False

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text)

    @property
    def letters(self) -> str:
        """The text's letters and digits run together: what a prefix term is searched as on
        PostgreSQL (safe in a raw tsquery), and what its snippets mark."""
        return re.sub(r"[\W_]", "", self.text)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def syntax(self) -> str:
        """The term as a reader would type it."""
        if self.prefix:
            return f"{self.text}*"
        return f'"{self.text}"' if self.quoted or self.is_phrase else self.text

    def __str__(self) -> str:
        if self.prefix:
            return f"{self.text}*"
        return f"“{self.text}”" if self.quoted or self.is_phrase else self.text


@dataclass(frozen=True)
class Expansion:
    """A name the reader typed and the other names of what it names, searched as well."""

    typed: str
    names: tuple[str, ...]
    entity: str  # what the names belong to, for the note: "PCS", "Mark Serwotka"


@dataclass(frozen=True)
class SearchQuery:
    """Every clause must match (a clause matches when any of its terms does); no excluded term
    may match."""

    text: str
    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    notes: tuple[str, ...] = ()
    expansions: tuple[Expansion, ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(term for clause in self.clauses for term in clause)

    @property
    def key(self) -> tuple:
        """What identifies the search's matches: equal keys find the same articles."""
        return (self.clauses, self.excluded)

    def unexpanded_text(self) -> str:
        """The query as text, each name that was expanded in quotes (so it is not again)."""
        typed = {expansion.typed for expansion in self.expansions}
        parts = []
        for clause in self.clauses:
            if len(clause) > 1 and clause[0].text in typed:
                parts.append(f'"{clause[0].text}"')
            else:
                parts.append(" OR ".join(term.syntax for term in clause))
        parts += [f"-{term.syntax}" for term in self.excluded]
        return " ".join(parts)

    def with_clauses(self, clauses, expansions) -> SearchQuery:
        return replace(self, clauses=tuple(clauses), expansions=tuple(expansions))


def parse_query(text: str) -> SearchQuery:
    text = (text or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    notes: list[str] = []
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
        prefix = bool(bare.endswith("*") and len(words) == 1)
        if prefix and len(re.sub(r"\W", "", words[0])) < MIN_PREFIX:
            notes.append(
                f"“{words[0]}*” was searched as the whole word “{words[0]}”: a word beginning "
                f"needs at least {MIN_PREFIX} letters."
            )
            prefix = False
        term = Term(" ".join(words), prefix=prefix, quoted=bool(phrase))
        if negated:
            excluded.append(term)
        elif join_next:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    unique_clauses = list(dict.fromkeys(tuple(dict.fromkeys(clause)) for clause in clauses))
    unique_excluded = list(dict.fromkeys(excluded))
    kept_clauses, kept_excluded, dropped, budget = [], [], [], MAX_TERMS
    for clause in unique_clauses:
        kept = clause[:budget]
        dropped += clause[len(kept) :]
        budget -= len(kept)
        if kept:
            kept_clauses.append(kept)
    for term in unique_excluded:
        if budget:
            kept_excluded.append(term)
            budget -= 1
        else:
            dropped.append(term)
    if dropped:
        left_out = " ".join(("-" if t in unique_excluded else "") + str(t) for t in dropped)
        notes.append(
            f"A search takes up to {MAX_TERMS} words or phrases: left out {_short(left_out)}."
        )
    return SearchQuery(
        text=text,
        clauses=tuple(kept_clauses),
        excluded=tuple(kept_excluded),
        notes=tuple(dict.fromkeys(notes)),
    )


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"
