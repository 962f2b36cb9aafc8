"""Recognise the archive's organisations, people and events in an article's text.

Each organisation is known by its name, abbreviation and aliases, each person by name and
aliases, each event by its name and aliases. All of them are compiled into one regular
expression when a run starts, so a file costs one pass over its text however many entities
the archive holds.

Matching is on whole words and case-aware:

- a term of several words matches in any case and with spaces, line breaks or hyphens between
  its words: "Cabinet Office" finds "the cabinet office minister", "Public-sector pensions
  strike" finds "public sector pensions strike";
- a one-word term matches only as written: "PCS" but not "pcs" or "PCSs";
- an abbreviation of three letters or more (PCS, HMRC) is taken as it stands. Any other
  one-word term (Unite, Unity, Labour, Treasury, SP) may be an ordinary word, so it links only
  with evidence: the entity's longer name or abbreviation elsewhere in the text; "the Unite
  union" or "Unite, the UK's largest union" or "Unite members"; or a capitalised use that does
  not start a sentence. It never links inside a longer proper name ("Labour Research
  Department", "Treasury Road"), nor in a headline written in title case.

Where terms overlap the longest wins ("Left Unity" is not also "Unity").

An event is also linked by a date near it in the text together with one of its organisations:
"the November 30 strike" in an article that names a union taking part in that strike. Or by a
weekday: "Wednesday's mass public sector strikes" links the one event of that kind, on that
weekday, with an organisation the article names, whose name's words the phrase mostly repeats
(and within a week of the article's date, when it has one); with two such events, neither.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from archive.importing.dates import MONTHS
from archive.models import Event, Organisation, Person

_WORD_BREAK = r"[\s\-‐‑–—]+"
_SPLIT_WORDS = re.compile(_WORD_BREAK)
MIN_TERM_LENGTH = 2
# An abbreviation this long or longer, in capitals, is not an ordinary word.
SAFE_ABBREVIATION = 3

# Words after a name that say it names an organisation: "Unite members", "Unison said".
_ORGANISATION_CONTEXT = re.compile(
    r"^(?:'s)?\s+(?:union|party|faction|members?|leaders?|leadership|officials?|activists?|"
    r"branch(?:es)?|executive|conference|spokes(?:man|woman|person)|general\s+secretary|"
    r"government|ministers?|MPs?|said|says|announced|warned|claimed|called|balloted|"
    r"has\s+(?:said|called|announced|warned|balloted)|rep(?:resentative)?s?)\b",
    re.I,
)
# "Unite, the UK's largest union", "Unison, the public service union"
_APPOSITION = re.compile(
    r"^,\s+(?:the|Britain's|Britains|the\s+UK's)\b[^.;:]{0,50}?\b(?:union|party)\b"
)
# Words after a capitalised name that make it a title rather than a longer name.
_TITLE_WORDS = frozenset(
    {"General", "Secretary", "Leader", "President", "Chair", "Chairman", "MP", "MPs", "Minister"}
)
# A capitalised word (or an initial capital after a hyphen).
_CAPITALISED = re.compile(r"[A-Z][\w'’&.-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]['\"’”)]?\s+|\n\s*|[\"“‘']\s*)$")

# Words of an event's kind, near a date: "the November 30 strike", "a TUC meeting on 24 April".
_EVENT_WORDS = re.compile(
    r"\b(?:strikes?|walk-?outs?|stoppages?|rally|rallies|march(?:es)?|demonstrations?|demo|"
    r"protests?|ballots?|meetings?|talks|day\s+of\s+action|action|conference)\b",
    re.I,
)
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_MENTIONS = (
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH_NAMES})\.?"
        rf"(?:,?\s+(?P<year>\d{{4}}))?\b",
        re.I,
    ),
    re.compile(
        rf"\b(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
        rf"(?:,?\s+(?P<year>\d{{4}}))?",
        re.I,
    ),
)
# How far (in characters) an event word may be from the date.
EVENT_WORD_WINDOW = 60
# "Wednesday's mass public sector strikes": a weekday's event, and the kinds its word names.
_WEEKDAY_EVENT = re.compile(
    r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)['’]s\s+"
    r"(?P<words>(?:[\w-]+\s+){0,4}?)(?P<word>strikes?|walk-?outs?|stoppages?|rally|rallies|"
    r"march(?:es)?|demonstrations?|demo|protests?|ballots?|meetings?|talks)\b"
)
_KINDS_OF_WORD = (
    (re.compile(r"strike|walk|stoppage", re.I), {"strike", "walkout"}),
    (re.compile(r"rall|march|demo|protest", re.I), {"march"}),
    (re.compile(r"ballot", re.I), {"ballot"}),
    (re.compile(r"meeting|talks", re.I), {"meeting"}),
)
# Words of an event's name that say nothing of which event it is.
_NAME_STOP_WORDS = frozenset({"the", "a", "an", "of", "on", "in", "for", "and", "against", "day"})
# A weekday's event is the week either side of the article's date.
WEEKDAY_EVENT_DAYS = 7


@dataclass
class Links:
    organisations: list[Organisation] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # For each entity linked, the words in the text that made the link.
    evidence: dict[tuple[type, int], str] = field(default_factory=dict)


Entity = Organisation | Person | Event


@dataclass(frozen=True)
class _Term:
    entity: Entity
    needs_evidence: bool


@dataclass(frozen=True)
class EventDates:
    """When an event was, and which organisations took part, for linking it by a date."""

    start: dt.date
    end: dt.date
    organisation_ids: frozenset[int]
    kind: str = ""  # Event.Kind: a weekday's "strikes" is a strike or a walk-out


def _fold(term: str) -> str:
    return " ".join(_SPLIT_WORDS.split(term.strip())).lower()


def _is_one_word(term: str) -> bool:
    return len(_SPLIT_WORDS.split(term.strip())) == 1


def _needs_evidence(term: str) -> bool:
    """Whether a one-word term may be an ordinary word: all but abbreviations of 3+ capitals
    and terms with digits (N30)."""
    if any(char.isdigit() for char in term):
        return False
    letters = [char for char in term if char.isalpha()]
    return not (len(letters) >= SAFE_ABBREVIATION and all(char.isupper() for char in letters))


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

    def __init__(
        self,
        entities: Iterable[tuple[Entity, Iterable[str]]],
        event_dates: dict[int, EventDates] | None = None,
    ) -> None:
        self._exact: dict[str, list[_Term]] = defaultdict(list)  # one-word terms, as written
        self._folded: dict[str, list[_Term]] = defaultdict(list)  # longer terms, case-folded
        self._events: dict[int, Event] = {}
        for entity, terms in entities:
            if isinstance(entity, Event):
                self._events[entity.pk] = entity
            for term in {t.strip() for t in terms}:
                if len(term) < MIN_TERM_LENGTH or term.isdigit():
                    continue
                if _is_one_word(term):
                    table, key, term_entry = (
                        self._exact,
                        term,
                        _Term(entity, _needs_evidence(term)),
                    )
                else:
                    table, key, term_entry = self._folded, _fold(term), _Term(entity, False)
                if all(existing.entity is not entity for existing in table[key]):
                    table[key].append(term_entry)
        self._event_dates = event_dates or {}
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
        """A matcher for every organisation, person and event in the archive (four queries)."""
        entities: list[tuple[Entity, list[str]]] = []
        for org in Organisation.objects.only("name", "abbreviation", "aliases"):
            entities.append((org, [org.name, org.abbreviation, *org.alias_list]))
        for person in Person.objects.only("name", "aliases"):
            entities.append((person, [person.name, *person.alias_list]))
        events = list(Event.objects.only("name", "aliases", "kind", "start_date", "end_date"))
        for event in events:
            entities.append((event, [event.name, *event.alias_list]))
        taking_part: dict[int, set[int]] = defaultdict(set)
        for event_id, org_id in Event.organisations.through.objects.values_list(
            "event_id", "organisation_id"
        ):
            taking_part[event_id].add(org_id)
        event_dates = {
            event.pk: EventDates(
                event.start_date,
                event.end_date or event.start_date,
                frozenset(taking_part[event.pk]),
                event.kind,
            )
            for event in events
        }
        return cls(entities, event_dates)

    def find(self, text: str, published: dt.date | None = None) -> Links:
        """The entities named in the text, each once, in the order they are first named.

        `published`, the article's date, gives a year to dates written without one.
        """
        links = Links()
        if self._regex is None:
            return links
        for match in self._regex.finditer(text):
            found = match.group()
            terms = self._exact.get(found) or self._folded.get(_fold(found), [])
            for term in terms:
                key = (type(term.entity), term.entity.pk)
                if key in links.evidence:
                    continue
                # Without evidence here, it links only if named unambiguously elsewhere.
                if term.needs_evidence and not _has_evidence(text, match):
                    continue
                if _names_a_place(text, match):  # "Home Office Road"
                    continue
                self._add(links, term.entity, found)
        self._link_events_by_date(text, links, published)
        self._link_events_by_weekday(text, links, published)
        return links

    def _add(self, links: Links, entity: Entity, evidence: str) -> None:
        key = (type(entity), entity.pk)
        if key not in links.evidence:
            links.evidence[key] = evidence
            self._bucket(links, entity).append(entity)

    def _link_events_by_date(self, text: str, links: Links, published: dt.date | None) -> None:
        if not self._event_dates:
            return
        organisation_ids = {org.pk for org in links.organisations}
        if not organisation_ids:
            return
        for pattern in _DATE_MENTIONS:
            for match in pattern.finditer(text):
                window = text[
                    max(0, match.start() - EVENT_WORD_WINDOW) : match.end() + EVENT_WORD_WINDOW
                ]
                if not _EVENT_WORDS.search(window):
                    continue
                for event_id, when in self._event_dates.items():
                    if when.organisation_ids & organisation_ids and _on(match, when, published):
                        self._add(links, self._events[event_id], match.group())

    def _link_events_by_weekday(self, text: str, links: Links, published: dt.date | None) -> None:
        organisation_ids = {org.pk for org in links.organisations}
        if not self._event_dates or not organisation_ids:
            return
        linked = {event.pk for event in links.events}
        for match in _WEEKDAY_EVENT.finditer(text):
            weekday = _WEEKDAYS.index(match.group("weekday").lower())
            kinds = next(k for word, k in _KINDS_OF_WORD if word.match(match.group("word")))
            said = set(_SPLIT_WORDS.split(match.group().lower()))
            found = [
                event_id
                for event_id, when in self._event_dates.items()
                if when.kind in kinds
                and when.organisation_ids & organisation_ids
                and weekday in _weekdays(when)
                and _repeats_name(said, self._events[event_id].name)
                and (published is None or abs((when.start - published).days) <= WEEKDAY_EVENT_DAYS)
            ]
            if len(found) == 1 and found[0] not in linked:
                self._add(links, self._events[found[0]], match.group())
                linked.add(found[0])

    @staticmethod
    def _bucket(links: Links, entity: Entity) -> list:
        if isinstance(entity, Organisation):
            return links.organisations
        if isinstance(entity, Person):
            return links.people
        return links.events


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekdays(when: EventDates) -> set[int]:
    days = min((when.end - when.start).days + 1, 7)
    return {(when.start + dt.timedelta(n)).weekday() for n in range(days)}


def _repeats_name(said: set[str], name: str) -> bool:
    """Whether the words said ("wednesday's mass public sector strikes") repeat most of the
    words of the event's name that are not its kind ("public", "sector", "pensions")."""
    words = {
        word
        for word in _SPLIT_WORDS.split(name.lower())
        if word not in _NAME_STOP_WORDS and not _EVENT_WORDS.fullmatch(word)
    }
    said = said | {word.removesuffix("s") for word in said}
    return bool(words) and 2 * len(words & said) >= len(words)


def _on(match: re.Match, when: EventDates, published: dt.date | None) -> bool:
    """Whether a date mention falls within an event: with its year, or the article's year, or
    (with neither) any year's same day."""
    month = MONTHS.get(match.group("month").lower().rstrip("."))
    day = int(match.group("day"))
    if not month:
        return False
    if match.group("year"):
        years = [int(match.group("year"))]
    elif published is not None:
        years = [published.year]
    else:
        years = list(range(when.start.year, when.end.year + 1))
    for year in years:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return False
        if when.start <= date <= when.end:
            return True
    return False


def _has_evidence(text: str, match: re.Match) -> bool:
    """Whether a one-word name that may be an ordinary word is used as a name here."""
    after = text[match.end() : match.end() + 80]
    before = text[max(0, match.start() - 80) : match.start()]
    if _in_longer_name(text, match):
        return False
    if _ORGANISATION_CONTEXT.match(after) or _APPOSITION.match(after):
        return True
    if re.search(r"\bthe\s+$", before, re.I) and re.match(r"^\s+union\b", after):
        return True
    word = match.group()
    if word.isupper():  # an abbreviation is always in capitals: that says nothing
        return False
    if not word[:1].isupper() or _SENTENCE_START.search(before):
        return False
    return not _in_title_case_line(text, match)


def _in_longer_name(text: str, match: re.Match) -> bool:
    """Whether the name is part of a longer proper name: a capitalised word beside it (the one
    before not starting a sentence), as in "Labour Research Department" or "Treasury Road"."""
    if _in_title_case_line(text, match):
        return False  # in a title-case headline every word is capitalised
    after = text[match.end() : match.end() + 40]
    following = re.match(r"^[ \t]+(?:of\s+|for\s+|and\s+)?(\S+)", after)
    if following:
        word = following.group(1).strip(".,;:!?'\"’”)")
        if _CAPITALISED.fullmatch(word) and word not in _TITLE_WORDS:
            if not following.group(0).lstrip().startswith(("and ", "of ", "for ")):
                return True
            # "Unite and Unison" is two names; "Department of Labour" is one, found by its
            # words before the name.
    before = text[max(0, match.start() - 40) : match.start()]
    preceding = re.search(r"(\S+)[ \t]+$", before)
    if preceding:
        word = preceding.group(1).strip("'\"‘“(")
        start_of_word = before[: preceding.start(1)]
        if (
            _CAPITALISED.fullmatch(word)
            and word not in ("The", "A", "An", "Mr", "Ms", "Mrs", "Dr")
            and not _SENTENCE_START.search(start_of_word)
            and not word.endswith((".", ",", ";", ":"))
        ):
            return True
    return False


_PLACE_WORDS = re.compile(
    r"^[ \t]+(?:Road|Street|St|Lane|Avenue|Square|Place|Way|Close|Terrace|Gardens|Park|"
    r"Building|House|Court|Hall|Estate|Station|Theatre|Centre|Center)\b"
)


def _names_a_place(text: str, match: re.Match) -> bool:
    """Whether a capitalised name is the start of a place's name: "Treasury Road"."""
    return match.group()[:1].isupper() and bool(_PLACE_WORDS.match(text[match.end() :]))


def _in_title_case_line(text: str, match: re.Match) -> bool:
    """Whether the name stands in a line of four or more words, nearly all capitalised."""
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    line = text[start : end if end != -1 else len(text)]
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    if len(words) < 4 or len(line) > 200:
        return False
    small = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
    significant = [w for w in words if w.lower() not in small]
    return sum(w[0].isupper() for w in significant) >= 0.8 * len(significant)
