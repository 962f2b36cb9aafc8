"""Searching a name finds its other names.

An organisation is written many ways ("PCS", "PCSU", "Public and Commercial Services Union"),
a person too ("Mark Serwotka", "Mr Serwotka"). When the words a reader typed are one of the
names the archive knows (an organisation's name, abbreviation or aliases; a person's name or
aliases), the search finds any of those names, and says so in a note with a link that searches
the typed name alone (in quotes: a quoted name is never expanded).
"""

from __future__ import annotations

import functools
import operator
import re

from django.db.models import Q, Value
from django.db.models.functions import Lower

from archive.search.query import Expansion, SearchQuery, Term

MAX_NAME_WORDS = 8  # the longest run of typed words looked up as a name
MAX_OTHER_NAMES = 6  # other names searched for one typed name
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def normalised(name: str) -> str:
    return " ".join(_WORD.findall(name)).lower()


def _candidates(words: list[str]) -> set[str]:
    found = set()
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + MAX_NAME_WORDS) + 1):
            found.add(" ".join(words[start:end]).lower())
    return found


def _known_names(candidates: set[str]) -> list[tuple[str, list[str]]]:
    """(label, names) of every organisation and person one of whose names is a candidate, in
    one query."""
    from archive.models import Organisation, Person

    if not candidates:
        return []
    aliases = functools.reduce(operator.or_, (Q(aliases__icontains=c) for c in candidates))
    organisations = (
        Organisation.objects.annotate(lname=Lower("name"), labbr=Lower("abbreviation"))
        .filter(Q(lname__in=candidates) | Q(labbr__in=candidates) | aliases)
        .order_by()
        .values_list("name", "abbreviation", "aliases")
    )
    people = (
        Person.objects.annotate(lname=Lower("name"), labbr=Value(""))
        .filter(Q(lname__in=candidates) | aliases)
        .order_by()
        .values_list("name", "labbr", "aliases")
    )
    groups = []
    for name, abbreviation, other_names in organisations.union(people)[:100]:
        names = [name, abbreviation or "", *other_names.splitlines()]
        groups.append((abbreviation or name, [n.strip() for n in names if n.strip()]))
    return groups


def expand(query: SearchQuery) -> SearchQuery:
    """The query with every typed name (a run of plain words) widened to the other names."""
    # Only clauses of one plain word (not quoted, not a prefix) can be part of a typed name.
    plain = [
        len(clause) == 1 and not clause[0].quoted and not clause[0].prefix
        for clause in query.clauses
    ]
    words = [clause[0].text if ok else "" for clause, ok in zip(query.clauses, plain, strict=True)]
    runs, run = [], []
    for i, ok in enumerate(plain):
        if ok:
            run.append(i)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    candidates = set().union(*(_candidates([words[i] for i in r]) for r in runs)) if runs else set()
    groups = _known_names(candidates)
    if not groups:
        return query
    by_form: dict[str, tuple[str, list[str]]] = {}
    for label, names in groups:
        for name in names:
            by_form.setdefault(normalised(name), (label, names))
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
