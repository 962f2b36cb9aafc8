"""Publication dates with their precision, from a page's markup or from a dateline in the text.

Markup is searched first, most explicit first: publication meta tags, JSON-LD
``datePublished``, then ``<time>`` elements (``pubdate`` or ``itemprop=datePublished`` before
any other). ISO values keep the precision they are written with: ``2005`` is a year,
``2011-11`` a month, ``2011-01-28T14:26GMT`` a day. Without markup, the text's opening lines
are searched for a dateline: a short line holding a full date ("Sunday, 7 April 2013",
"guardian.co.uk, Friday 28 January 2011 14.26 GMT", "January 28, 2011") or a month alone
("November 2011"). Dates inside the article's sentences are not taken for its own.

An article none of these dates may be dated from its words by `inferred` (see its section
below): never over a stated date, and always with the words it was inferred from.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

from archive.importing.furniture import in_furniture

DAY, MONTH, YEAR = "day", "month", "year"

# Meta tags (name, property or itemprop, lower-cased) that hold the publication date.
PUBLISHED_META = frozenset(
    {
        "article:published_time",
        "og:article:published_time",
        "og:published_time",
        "datepublished",
        "date",
        "dc.date",
        "dc.date.issued",
        "dc.date.created",
        "dcterms.date",
        "dcterms.issued",
        "dcterms.created",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "parsely-pub-date",
        "sailthru.date",
        "citation_publication_date",
        "citation_date",
    }
)
# Only this many of the text's opening lines are searched for a dateline, and only lines this
# short: a date inside a sentence of the article is about something else.
DATELINE_LINES = 8
DATELINE_LENGTH = 100
EARLIEST_YEAR = 1800

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<month>{_MONTH_NAMES})\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_TEXT_DATES = (
    # 7 April 2013, Friday 28 January 2011, 28th Jan. 2011
    re.compile(
        rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b", re.I
    ),
    # April 7, 2013; April 7th 2013
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})\b", re.I),
    # 2013-04-07
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
)
_DATE_START = re.compile(
    rf"^\s*(?:\w+day,?\s+)?(?:\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?(?:{_MONTH_NAMES})\b"
    rf"|(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}\b"
    r"|\d{4}-\d{2}-\d{2})",
    re.I,
)
_MONTH_LINE = re.compile(rf"^\s*{_MONTH}\s+(?P<year>\d{{4}})\s*$", re.I)
# A short line ending with a season: "Foodworker, Spring 1998" (a quarterly's issue): a year.
_ENDS_WITH_SEASON = re.compile(
    r"^(?:[^\d]{0,40}[\s,])?(?:spring|summer|autumn|fall|winter)\s+(?P<year>\d{4})\s*$", re.I
)
# A short line ending with a month: "RMT News, November 2011".
_ENDS_WITH_MONTH = re.compile(rf"^[^\d]{{0,40}}[\s,]{_MONTH}\s+(?P<year>\d{{4}})\s*$", re.I)
_ISO = re.compile(
    r"^\s*(?P<year>\d{4})(?:[-/.](?P<month>\d{1,2})(?:[-/.](?P<day>\d{1,2}))?)?(?:[T\s].*)?$"
)


@dataclass(frozen=True)
class PublishedDate:
    date: dt.date
    precision: str  # DAY, MONTH or YEAR

    @property
    def iso(self) -> str:
        """The date written at its precision: 2011-01-28, 2011-11 or 2005."""
        return self.date.isoformat()[: {DAY: 10, MONTH: 7, YEAR: 4}[self.precision]]


def from_html(tree: HtmlElement) -> PublishedDate | None:
    """The publication date the page's markup gives, if any."""
    for value in _markup_values(tree):
        found = parse_value(value)
        if found:
            return found
    return None


def from_lines(lines: Iterable[str]) -> PublishedDate | None:
    """The date of a dateline among the text's opening lines, if there is one."""
    for number, line in enumerate(lines):
        if number >= DATELINE_LINES:
            break
        if len(line) <= DATELINE_LENGTH:
            found = _month_line(line) or _text_date(line)
            if found:
                return found
    return None


def parse_value(value: str) -> PublishedDate | None:
    """A date from an attribute value: ISO at its precision, or a date written in words."""
    match = _ISO.match(value)
    if match:
        return _make(match.group("year"), match.group("month"), match.group("day"))
    return _text_date(value)


def starts_with_date(line: str) -> bool:
    """Whether a line opens with a date, as a dateline does ("Sunday, 7 April 2013 ...")."""
    return bool(_DATE_START.match(line) or _MONTH_LINE.match(line))


def _markup_values(tree: HtmlElement) -> Iterator[str]:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in PUBLISHED_META and meta.get("content"):
            yield meta.get("content")
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        yield from _json_ld_dates(script.text or "")
    for element in tree.xpath('//time[@pubdate] | //*[@itemprop="datePublished"]'):
        yield element.get("datetime") or element.get("content") or element.text_content()
    for element in tree.xpath("//time[@datetime]"):
        if not in_furniture(element):  # not a comment's or a "most read" list's date
            yield element.get("datetime")


def _json_ld_dates(text: str) -> Iterator[str]:
    try:
        data = json.loads(text)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str):
                yield value
            stack.extend(v for v in item.values() if isinstance(v, dict | list))


def _month_line(line: str) -> PublishedDate | None:
    match = _MONTH_LINE.match(line) or _ENDS_WITH_MONTH.match(line)
    if match:
        return _make(match.group("year"), match.group("month"), None)
    season = _ENDS_WITH_SEASON.match(line)
    return _make(season.group("year"), None, None) if season else None


def _text_date(text: str) -> PublishedDate | None:
    for pattern in _TEXT_DATES:
        for match in pattern.finditer(text):
            found = _make(match.group("year"), match.group("month"), match.group("day"))
            if found:
                return found
    return None


def _make(year: str, month: str | None, day: str | None) -> PublishedDate | None:
    """A date at the precision given, or None when it is not a real, past date."""
    month_number = int(month) if month and month.isdigit() else MONTHS.get((month or "").lower())
    try:
        date = dt.date(int(year), month_number or 1, int(day) if day else 1)
    except ValueError:
        return None
    if date.year < EARLIEST_YEAR or date > dt.date.today() + dt.timedelta(days=1):
        return None
    precision = DAY if day else MONTH if month_number else YEAR
    return PublishedDate(date, precision)


# A line that labels the publication date, anywhere in the text: "Posted on 2 April 2016",
# "Published: 10th July 2014", "Date: 14 September 2010".
_LABELLED = re.compile(
    r"^(?:.{0,30}\b)?(?:posted|published|first\s+published|date|dated)(?:\s+on)?\s*:?\s+(?P<rest>.+)$",
    re.I,
)
_WEEKDAY_OR_TIME = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b\d{1,2}[:.]\d{2}\b|\b(?:am|pm|gmt|bst|utc)\b"
    r"|\b(?:last\s+)?updated\b|\bat\b",
    re.I,
)


def from_labelled_lines(lines: Iterable[str]) -> PublishedDate | None:
    """The date of a short line labelled as the publication date, wherever it stands."""
    for line in lines:
        if len(line) <= DATELINE_LENGTH:
            match = _LABELLED.match(" ".join(line.split()))
            if match:
                found = _month_line(match.group("rest")) or _text_date(match.group("rest"))
                if found:
                    return found
    return None


def is_dateline(text: str) -> bool:
    """Whether a short block is only a dateline: a date, perhaps with its weekday, a time and
    the publication's name ("guardian.co.uk, Friday 28 January 2011 14.26 GMT")."""
    if len(text) > DATELINE_LENGTH:
        return False
    rest = text
    for pattern in (*_TEXT_DATES, _MONTH_LINE):
        rest, count = pattern.subn(" ", rest)
        if count:
            break
    else:
        return False
    rest = _WEEKDAY_OR_TIME.sub(" ", rest)
    return len(re.findall(r"[^\W\d_]+[\w.'-]*", rest)) <= 2


# -- Dates inferred from the article's own words ----------------------------------------------
#
# Used only for an article with no date by the rules above, and never over a date the page
# states. Each inference keeps the words it was made from, for the import report and the
# article's provenance, so an editor can check it. Two kinds:
#
# - a year stated in the present tense at the start of a sentence, "In 2005 Mark is general
#   secretary of PCSU", is the year of writing (precision year), provided no later year is
#   written in the past tense elsewhere in the text (a history told in the present tense, "In
#   1993 he is elected. In 1997 he became…", is not dated by its first year);
# - an event the article is linked to, spoken of relative to the time of writing ("yesterday
#   … to scab on the November 30 strike", "in the wake of Wednesday's strikes", "tomorrow's
#   march"): the article was written in a window before or after the event, and is given the
#   month of the window's end nearest the event (the day, when the window is one day). A
#   weekday must be the event's; windows that disagree leave the article undated.

SENTENCE_BREAK = re.compile(r"(?<=[.!?])['’”\"]?\s+|\n+")
QUOTE_LENGTH = 200
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_POSSESSIVE = r"['’]s"
_WORDS_BEFORE_NAME = r"(?:the\s+)?(?:[\w-]+\s+){0,4}?"

# "In 2005 Mark is …": the subject is a few words with no verb of another tense and no clause
# of its own ("In 2002 the union that is now …").
_PRESENT_YEAR = re.compile(
    r"^In\s+(?P<year>\d{4}),?\s+"
    r"(?:(?!(?:that|which|who|whom|whose|when|where|while|as|if|because|after|before|since|"
    r"was|were|had|will|would|shall|should|could|did|been)\b)[\w'’-]+\s+){1,6}?"
    r"(?:is|are|has|have|remains|remain)\b"
)
_ANY_YEAR = re.compile(r"(?<![\d,.£$€])\b(?P<year>1[89]\d\d|20\d\d)\b(?![,.]?\d)")
# A later year is about the future when its sentence says so, or when a deadline names it.
_FUTURE_WORDS = re.compile(
    r"\b(?:will|shall|to\s+be|going\s+to|due|planned|expected|next|forecast)\b", re.I
)
_DEADLINE_BEFORE = re.compile(
    rf"\b(?:by|until|before|from)\s+(?:(?:the\s+)?(?:end|spring|summer|autumn|winter|start)"
    rf"\s+(?:of\s+)?|{_MONTH_NAMES}\s+)?$",
    re.I,
)

# Words tying a sentence to the time it was written.
_DEICTIC = re.compile(
    rf"\b(?:yesterday|today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening|"
    rf"week)|next\s+week|last\s+week|{_WEEKDAY})\b",
    re.I,
)
# "yesterday's", "Wednesday's", "next week's" just before the event's words.
_POSSESSIVE_WHEN = re.compile(
    rf"\b(?P<when>yesterday|today|tonight|tomorrow|next\s+week|last\s+week|this\s+week|"
    rf"{_WEEKDAY}){_POSSESSIVE}\s+(?:[\w-]+\s+){{0,4}}?$",
    re.I,
)
# Words saying the event is still to come, or is over, just before the event's words.
_BEFORE_CUE = re.compile(
    r"\b(?:ahead\s+of|before|on\s+the\s+eve\s+of|in\s+the\s+run-?\s*up\s+to|in\s+advance\s+of|"
    r"to\s+(?:scab\s+on|join|support|back|break|call\s+off|avert|head\s+off|take\s+part\s+in|"
    r"go\s+ahead\s+with|walk\s+out\s+on|vote\s+for|cross\s+picket\s+lines\s+(?:on|during))|"
    r"(?:upcoming|forthcoming|planned|threatened|coming))\s+"
    rf"(?:the\s+)?(?:[\w-]+{_POSSESSIVE}\s+|next\s+week{_POSSESSIVE}\s+)?(?:[\w-]+\s+){{0,4}}?$",
    re.I,
)
_AFTER_CUE = re.compile(
    r"\b(?:after|in\s+the\s+wake\s+of|following|since|in\s+the\s+aftermath\s+of)\s+"
    rf"(?:the\s+)?(?:[\w-]+{_POSSESSIVE}\s+|last\s+week{_POSSESSIVE}\s+)?(?:[\w-]+\s+){{0,4}}?$",
    re.I,
)
BEFORE, AFTER, DURING = "before", "after", "during"
# The window of writing for each possessive, as days from the event's first (before) or last
# (after) day: "tomorrow's strike" was written the day before it.
_POSSESSIVE_WINDOWS = {
    "yesterday": (AFTER, 1, 1),
    "tomorrow": (BEFORE, -1, -1),
    "today": (DURING, 0, 0),
    "tonight": (DURING, 0, 0),
    "this week": (DURING, -6, 6),
    "next week": (BEFORE, -13, -1),
    "last week": (AFTER, 1, 13),
    "weekday": (None, 1, 6),  # before or after, by the cue: within the week either side
}


@dataclass(frozen=True)
class EventReference:
    """An event the article is linked to: when it was, and the words naming it in the text."""

    name: str
    start: dt.date
    end: dt.date
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Inferred:
    """A date inferred from the article's words, with those words and how."""

    published: PublishedDate
    quote: str  # the article's words, as written
    how: str  # "a year stated in the present tense", "before Public-sector pensions strike…"

    @property
    def describe(self) -> str:
        """For the report and the provenance: “the words” (how)."""
        return f"“{self.quote}” ({self.how})"


def inferred(text: str, events: Iterable[EventReference] = ()) -> Inferred | None:
    """The article's date inferred from its words, or None; only for an undated article."""
    return _from_events(text, list(events)) or _from_present_year(text)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_BREAK.split(text) if s and s.strip()]


def _quote(text: str) -> str:
    text = " ".join(text.split()).rstrip(" ,;:")
    if len(text) <= QUOTE_LENGTH:
        return text
    return text[: QUOTE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _from_present_year(text: str) -> Inferred | None:
    sentences = _sentences(text)
    found: dict[int, str] = {}
    for sentence in sentences:
        match = _PRESENT_YEAR.match(sentence)
        if match:
            clause = re.split(r"[;:]|,\s+(?=\d)", sentence, maxsplit=1)[0]
            found.setdefault(int(match.group("year")), clause)
    if len(found) != 1:  # none, or two years of writing: none is taken
        return None
    ((year, clause),) = found.items()
    made = _make(str(year), None, None)
    if made is None or _later_past_year(sentences, year):
        return None
    return Inferred(made, _quote(clause), "a year stated in the present tense")


def _later_past_year(sentences: list[str], year: int) -> bool:
    """Whether a year after `year` is written other than as the future."""
    for sentence in sentences:
        for match in _ANY_YEAR.finditer(sentence):
            if int(match.group("year")) <= year:
                continue
            if _FUTURE_WORDS.search(sentence):
                continue
            if _DEADLINE_BEFORE.search(sentence[: match.start()]):
                continue
            return True
    return False


@dataclass(frozen=True)
class _Window:
    direction: str  # BEFORE, AFTER or DURING the event
    first: dt.date
    last: dt.date
    quote: str
    event: EventReference


def _from_events(text: str, events: list[EventReference]) -> Inferred | None:
    windows = [
        window
        for sentence in _sentences(text)
        for event in events
        for window in _windows(sentence, event)
    ]
    if not windows:
        return None
    first = max(w.first for w in windows)
    last = min(w.last for w in windows)
    if first > last:  # the article's words disagree: no date
        return None
    directions = {w.direction for w in windows}
    if first == last:
        date, precision = first, DAY
    elif directions == {AFTER}:
        date, precision = first, MONTH  # the end nearest the event
    elif directions == {BEFORE}:
        date, precision = last, MONTH
    elif (first.year, first.month) == (last.year, last.month):
        date, precision = first, MONTH
    else:
        return None
    if date > dt.date.today():
        return None
    window = windows[0]
    relation = {BEFORE: "before", AFTER: "after", DURING: "on the day of"}[window.direction]
    when = window.event.start.isoformat()
    if window.event.end != window.event.start:
        when += f" to {window.event.end.isoformat()}"
    how = f"written {relation} {window.event.name}, {when}"
    return Inferred(PublishedDate(date, precision), window.quote, how)


def _windows(sentence: str, event: EventReference) -> Iterator[_Window]:
    """The windows of writing this sentence gives by speaking of the event."""
    for phrase in event.phrases:
        pattern = r"(?<!\w)" + r"[\s\-‐‑–—]+".join(map(re.escape, phrase.split())) + r"(?!\w)"
        for match in re.finditer(pattern, sentence, re.I):
            window = _window(sentence, match.start(), match.end(), event)
            if window is not None:
                yield window


def _window(sentence: str, start: int, end: int, event: EventReference) -> _Window | None:
    # "Wednesday's mass strikes" names the event with its possessive: that is context here.
    leading = re.match(
        rf"(?:{_WEEKDAY}|yesterday|today|tomorrow){_POSSESSIVE}\s+", sentence[start:end], re.I
    )
    if leading:
        start += leading.end()
    before = sentence[:start]
    possessive = _POSSESSIVE_WHEN.search(before)
    cue_before, cue_after = _BEFORE_CUE.search(before), _AFTER_CUE.search(before)
    if cue_before and cue_after:
        return None
    cue = cue_before or cue_after
    cue_direction = BEFORE if cue_before else AFTER if cue_after else None
    deictic = _DEICTIC.search(sentence)
    if possessive:
        when = " ".join(possessive.group("when").lower().split())
        weekday = when in _WEEKDAYS
        direction, low, high = _POSSESSIVE_WINDOWS["weekday" if weekday else when]
        if weekday:
            days = {
                (event.start + dt.timedelta(n)).weekday()
                for n in range((event.end - event.start).days + 1)
            }
            if _WEEKDAYS.index(when) not in days or cue_direction is None:
                return None  # another day than the event's, or not said whether it is past
            direction = cue_direction
            low, high = (-high, -low) if direction == BEFORE else (low, high)
        elif cue_direction is not None and direction not in (cue_direction, DURING):
            return None
        quote_start = min(possessive.start(), cue.start()) if cue else possessive.start()
    elif cue and deictic:
        direction = cue_direction
        low, high = (None, -1) if direction == BEFORE else (1, None)
        quote_start = min(deictic.start(), cue.start())
    else:
        return None  # not tied to the time of writing
    if deictic and start - QUOTE_LENGTH // 2 < deictic.start() < quote_start:
        quote_start = deictic.start()  # "yesterday appealed … to scab on the … strike"
    base = event.start if direction == BEFORE else event.end
    if direction == DURING:
        first = event.start + dt.timedelta(low) if low else event.start
        last = event.end + dt.timedelta(high) if high else event.end
    else:
        first = dt.date.min if low is None else base + dt.timedelta(low)
        last = dt.date.max if high is None else base + dt.timedelta(high)
    return _Window(direction, first, last, _quote(sentence[quote_start:end]), event)
