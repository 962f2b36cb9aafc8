"""Searching a name finds its other names.

An organisation is written many ways ("PCS", "PCSU", "Public and Commercial Services Union"),
a person too ("Mark Serwotka", "Mr Serwotka"). When the words a reader typed are one of the
names the archive knows (an organisation's name, abbreviation or aliases; a person's name or
aliases), the search finds any of those names, and says so in a note with a link that searches
the typed name alone (in quotes: a quoted name is never expanded).
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Value

from archive.search.query import Expansion, SearchQuery, Term

MAX_NAME_WORDS = 8  # the longest run of typed words looked up as a name
MAX_OTHER_NAMES = 6  # other names searched for one typed name
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def normalised(name: str) -> str:
    return " ".join(_WORD.findall(name)).lower()


_tables: dict[str, tuple[str, dict[str, tuple[str, list[str]]]]] = {}  # per database


def known_names() -> dict[str, tuple[str, list[str]]]:
    """{a name, normalised: (the label of whom it names, all their names)} for every
    organisation and person: read once per generation (any write to them makes a new one), so
    a search costs no query for it."""
    from archive import counts
    from archive.models import Organisation, Person

    token = counts.generation()
    alias = connection.alias
    cached = _tables.get(alias)
    if cached is not None and cached[0] == token:
        return cached[1]
    rows = [
        *Organisation.objects.order_by("pk").values_list("name", "abbreviation", "aliases"),
        *Person.objects.order_by("pk").values_list("name", Value(""), "aliases"),
    ]
    table: dict[str, tuple[str, list[str]]] = {}
    for name, abbreviation, other_names in rows:
        names = [n.strip() for n in (name, abbreviation, *other_names.splitlines()) if n.strip()]
        for known in names:
            table.setdefault(normalised(known), (abbreviation or name, names))
    _tables[alias] = (token, table)
    return table


def expand(query: SearchQuery) -> SearchQuery:
    """The query with every typed name (a run of plain words) widened to the other names."""
    # Only clauses of one plain word (not quoted, not a prefix) can be part of a typed name.
    plain = [
        len(clause) == 1 and not clause[0].quoted and not clause[0].prefix
        for clause in query.clauses
    ]
    words = [clause[0].text if ok else "" for clause, ok in zip(query.clauses, plain, strict=True)]
    by_form = known_names() if any(plain) else {}
    if not by_form:
        return query
    clauses: list[tuple[Term, ...]] = []
    expansions: list[Expansion] = []
    i = 0
    while i < len(query.clauses):
        found = None
        if plain[i]:
            for end in range(min(len(query.clauses), i + MAX_NAME_WORDS), i, -1):
                if not all(plain[i:end]):
                    continue
                typed = " ".join(words[i:end])
                if typed.lower() in by_form:
                    found = (end, typed, *by_form[typed.lower()])
                    break
        if not found:
            clauses.append(query.clauses[i])
            i += 1
            continue
        end, typed, label, names = found
        others = [n for n in dict.fromkeys(names) if normalised(n) != typed.lower()]
        others = list(dict.fromkeys(normalised(n) for n in others))[:MAX_OTHER_NAMES]
        if not others:
            clauses.append(query.clauses[i])
            i += 1
            continue
        clauses.append((Term(typed), *(Term(n, quoted=True) for n in others if n != typed.lower())))
        pretty = [n for n in dict.fromkeys(names) if normalised(n) in others]
        expansions.append(Expansion(typed=typed, names=tuple(pretty), entity=label))
        i = end
    return query.with_clauses(clauses, expansions)
