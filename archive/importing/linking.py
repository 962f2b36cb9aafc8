"""Recognise the archive's organisations, people and events in an article's text.

Each organisation is known by its name, abbreviation and aliases, each person and each event by
name and aliases. All of them are compiled into one regular expression when a run starts, so a
file costs one pass over its text however many entities the archive holds.

Matching is on whole words and case-aware:

- a one-word term (an abbreviation, or a name such as "Unite" or "Treasury") matches only as
  written: "PCS" but not "pcs" or "PCSs", "Unite" the union but not "unite" the verb;
- a term of several words matches in any case and with spaces, line breaks or hyphens between
  its words: "Cabinet Office" finds "the cabinet office minister", "Public-sector pensions
  strike" finds "public sector pensions strike".

Where terms overlap the longest wins ("Left Unity" is not also "Unity").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from archive.models import Event, Organisation, Person

_WORD_BREAK = r"[\s\-‐‑–—]+"
_SPLIT_WORDS = re.compile(_WORD_BREAK)
MIN_TERM_LENGTH = 2


@dataclass
class Links:
    organisations: list[Organisation] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


Entity = Organisation | Person | Event


def _fold(term: str) -> str:
    return " ".join(_SPLIT_WORDS.split(term.strip())).lower()


def _is_one_word(term: str) -> bool:
    return len(_SPLIT_WORDS.split(term.strip())) == 1


def _trie_pattern(terms: Iterable[str], *, folded: bool) -> str:
    """One pattern matching any of the terms, longest first, factored on common prefixes.

    Factoring makes the regex engine test a text position against the terms' first letters
    once, instead of against every term in turn. In folded terms a space stands for any run
    of white space or hyphens, and letters match in any case.
    """
    trie: dict = {}
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}  # a term ends here

    def pattern(node: dict) -> str:
        branches = [
            (_WORD_BREAK if folded and char == " " else re.escape(char)) + pattern(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


class EntityMatcher:
    """Finds the entities a text names. Build it once per run: `EntityMatcher.from_archive()`."""

    def __init__(self, entities: Iterable[tuple[Entity, Iterable[str]]]) -> None:
        self._exact: dict[str, list[Entity]] = defaultdict(list)  # one-word terms, as written
        self._folded: dict[str, list[Entity]] = defaultdict(list)  # longer terms, case-folded
        for entity, terms in entities:
            for term in {t.strip() for t in terms}:
                if len(term) < MIN_TERM_LENGTH or term.isdigit():
                    continue
                table, key = (
                    (self._exact, term) if _is_one_word(term) else (self._folded, _fold(term))
                )
                if entity not in table[key]:
                    table[key].append(entity)
        # Several-word terms first: where one starts with a one-word term ("Unite the Union",
        # "Unite") it is the longer. Within each trie the longest term is tried first.
        alternatives = [
            f"(?i:{_trie_pattern(self._folded, folded=True)})" if self._folded else "",
            _trie_pattern(self._exact, folded=False) if self._exact else "",
        ]
        self._regex = (
            re.compile(r"(?<!\w)(?:" + "|".join(filter(None, alternatives)) + r")(?!\w)")
            if any(alternatives)
            else None
        )

    @classmethod
    def from_archive(cls) -> EntityMatcher:
        """A matcher for every organisation, person and event in the archive (three queries)."""
        entities: list[tuple[Entity, list[str]]] = []
        for org in Organisation.objects.only("name", "abbreviation", "aliases"):
            entities.append((org, [org.name, org.abbreviation, *org.alias_list]))
        for person in Person.objects.only("name", "aliases"):
            entities.append((person, [person.name, *person.alias_list]))
        for event in Event.objects.only("name", "aliases"):
            entities.append((event, [event.name, *event.alias_list]))
        return cls(entities)

    def find(self, text: str) -> Links:
        """The entities named in the text, each once, in the order they are first named."""
        links = Links()
        if self._regex is None:
            return links
        seen: set[tuple[type, int]] = set()
        for match in self._regex.finditer(text):
            found = match.group()
            for entity in self._exact.get(found) or self._folded.get(_fold(found), []):
                key = (type(entity), entity.pk)
                if key not in seen:
                    seen.add(key)
                    self._bucket(links, entity).append(entity)
        return links

    @staticmethod
    def _bucket(links: Links, entity: Entity) -> list:
        if isinstance(entity, Organisation):
            return links.organisations
        if isinstance(entity, Person):
            return links.people
        return links.events
