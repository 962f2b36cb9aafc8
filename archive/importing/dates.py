"""Publication dates with their precision, from a page's markup or from a dateline in the text.

Markup is searched first, most explicit first: publication meta tags, JSON-LD
``datePublished``, then ``<time>`` elements (``pubdate`` or ``itemprop=datePublished`` before
any other). ISO values keep the precision they are written with: ``2005`` is a year,
``2011-11`` a month, ``2011-01-28T14:26GMT`` a day. Without markup, the text's opening lines
are searched for a dateline: a short line holding a full date ("Sunday, 7 April 2013",
"guardian.co.uk, Friday 28 January 2011 14.26 GMT", "January 28, 2011") or a month alone
("November 2011"). Dates inside the article's sentences are not taken for its own.
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
