"""Filtering for the reading room's article list (django-filter).

Every parameter is forgiving: a value that cannot be understood is dropped, the rest of the page
still works, and `ArticleFilter.notes` says in a sentence what was ignored. Filtering never
validates choices against the database (PERFORMANCE.md): entity slugs are looked up once, in the
count index or in one query per entity table, by `resolve_entities`.

URL parameters (several values of one facet combine with OR, different facets with AND):
  q        search words and "exact phrases"
  union    organisation slug, unions and federations only (repeatable)
  org      organisation slug, any kind (repeatable)
  person   person slug (repeatable)
  event    event slug (repeatable)
  source   source publication (repeatable)
  year     four-digit year (repeatable)
  month    1-12, within the one selected year (repeatable)
  from, to a date: YYYY, YYYY-MM or YYYY-MM-DD (from the start / to the end of that period)
  undated  1: only the articles without a date
  sort     newest, oldest, relevance
  page     page number
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import re
from collections.abc import Iterable
from functools import cached_property

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet

from archive import search
from archive.models import Article, Event, Organisation, Person

MAX_VALUES = 20
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")
PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class MultipleValueField(forms.Field):
    """Every value of a repeated GET parameter; values that fail `check` are set aside."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, check, **kwargs):
        self.check = check
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list:
        if value in (None, ""):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        cleaned, rejected = [], []
        for raw in values:
            raw = str(raw).strip()
            if not raw:
                continue
            parsed = self.check(raw)
            (rejected if parsed is None else cleaned).append(raw if parsed is None else parsed)
        # Keep the good values; the filter set reports the bad ones.
        self.rejected = rejected
        return list(dict.fromkeys(cleaned))[:MAX_VALUES]


def _slug(raw: str) -> str | None:
    return raw if SLUG.match(raw) else None


def _text(raw: str) -> str | None:
    return raw[:200] if "\x00" not in raw else None


def _int_between(low: int, high: int):
    def check(raw: str) -> int | None:
        if re.fullmatch(r"[0-9]{1,9}", raw) and low <= int(raw) <= high:
            return int(raw)
        return None

    return check


def parse_period(raw: str, *, end: bool) -> dt.date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as the first (or, with end=True, the last) day it covers."""
    match = PERIOD.match(raw.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, last if end else 1)
        return dt.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        return None


class PeriodField(forms.CharField):
    def __init__(self, *, end: bool, **kwargs):
        self.end = end
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        date = parse_period(value, end=self.end)
        if date is None:
            raise forms.ValidationError(
                f"“{value[:40]}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD."
            )
        return date


class Declared:
    """A filter as declared, shared by every request's filter set: django-filter deep-copies
    each declaration for each filter set it makes (a quarter of a millisecond a list page),
    where a shallow copy does, since no request changes what a copy shares (its `extra`
    options, its check). The copy still gets its own `parent` and `model`. Not for a filter
    declared with `method=` (django-filter's FilterMethod keeps the declaration itself) or one
    that changes its options per request: give such a filter the deep copy back."""

    def __deepcopy__(self, memo):
        return copy.copy(self)


class MultipleValueFilter(Declared, django_filters.Filter):
    """Any of several values of one field. `kind` says how the reading room shows it: "value"
    (a facet of the list), "date" (year and month: the date facets and the histogram)."""

    field_class = MultipleValueField
    kind = "value"

    def __init__(self, *, check, kind: str | None = None, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(check=check, **kwargs)
        self.kind = kind or self.kind

    def filter(self, qs: QuerySet, value) -> QuerySet:
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class EntityFilter(MultipleValueFilter):
    """Articles linked to any of the given slugs, through a sub-query (no joins, no DISTINCT)."""

    kind = "entity"

    def __init__(self, *, relation: str, model, kinds: Iterable[str] | None = None, **kwargs):
        self.relation = relation
        self.entity_model = model  # (django-filter sets `model` to the filtered model)
        self.kinds = tuple(kinds) if kinds else None
        super().__init__(field_name=relation, check=_slug, **kwargs)

    @property
    def through(self):
        return getattr(Article, self.relation).through

    @property
    def target_column(self) -> str:
        return getattr(Article, self.relation).field.m2m_reverse_field_name()

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        links = self.through.objects.filter(**{f"{self.target_column}__slug__in": value})
        if self.kinds:
            links = links.filter(**{f"{self.target_column}__kind__in": self.kinds})
        return qs.filter(id__in=links.values("article_id"))


class SearchFilter(Declared, django_filters.CharFilter):
    """Full-text search through archive.search, whose notes (a word cut short, a search too
    broad to count) join the filter set's."""

    kind = "search"

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        notes = getattr(getattr(self, "parent", None), "notes", None)
        return search.matching(qs, search.parse_query(value), notes)


class PeriodFilter(Declared, django_filters.Filter):
    """One end of the date range. An article dated only to a month or a year covers that whole
    period (its date is stored as the period's first day), and matches when the period overlaps
    the range: "2005" is in ?from=2005-06, "November 2011" in ?to=2011-11-15&from=2011-11-10."""

    field_class = PeriodField
    kind = "period"

    def __init__(self, *, end: bool, **kwargs):
        super().__init__(field_name="published_date", end=end, **kwargs)
        self.end = end

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        if self.end:  # the period starts on or before the end of the range
            return qs.filter(published_date__lte=value)
        # the period ends on or after the start of the range
        return qs.filter(
            Q(published_date__gte=value)
            | Q(date_precision=Article.Precision.MONTH, published_date__gte=value.replace(day=1))
            | Q(
                date_precision=Article.Precision.YEAR,
                published_date__gte=value.replace(month=1, day=1),
            )
        )


class UndatedFilter(Declared, django_filters.Filter):
    """?undated=1: only the articles without a date (the histogram links to them)."""

    field_class = forms.CharField
    kind = "undated"

    def __init__(self, **kwargs):
        super().__init__(field_name="published_date", required=False, **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        return qs.filter(published_date__isnull=True) if value else qs


SORTS = {"newest": "Newest first", "oldest": "Oldest first", "relevance": "Best match"}


class DeclaredFilterSet(django_filters.FilterSet):
    """A filter set whose form class is made once: django-filter makes a new class from the
    declarations for every filter set (a quarter of a millisecond a list page), though they
    never change. Each form still copies the class's fields, as Django's forms do. A subclass
    whose filters differ from one filter set to the next must not use it."""

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:  # this class's own, not a parent's
            cls._form_class = super().get_form_class()
        return cls._form_class


class ArticleFilter(DeclaredFilterSet):
    # Each filter is declared once, here: its parameter, label and kind. The facets, the chips,
    # the reader's state and its URLs (listing.py) are all derived from these declarations.
    q = SearchFilter(max_length=search.MAX_QUERY_LENGTH, label="Search")
    union = EntityFilter(
        relation="organisations",
        model=Organisation,
        kinds=Organisation.UNION_KINDS,
        label="Union",
    )
    org = EntityFilter(relation="organisations", model=Organisation, label="Organisation")
    person = EntityFilter(relation="people", model=Person, label="Person")
    event = EntityFilter(relation="events", model=Event, label="Event")
    source = MultipleValueFilter(field_name="source", check=_text, label="Source")
    year = MultipleValueFilter(
        field_name="year", check=_int_between(1, 9999), kind="date", label="Year"
    )
    month = MultipleValueFilter(
        field_name="month", check=_int_between(1, 12), kind="date", label="Month"
    )

    class Meta:
        model = Article
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data=data, queryset=queryset, **kwargs)
        self.notes: list[str] = []
        self._resolved = False

    # -- what the reader asked for ------------------------------------------------------------

    @property
    def values(self) -> dict:
        """The usable value of every filter, after validation and entity look-ups."""
        if not self._resolved:
            self._clean()
        return self._values

    def _clean(self) -> None:
        form = self.form
        form.is_valid()
        values = {name: form.cleaned_data.get(name) for name in self.filters}
        for name, field in form.fields.items():
            rejected = getattr(field, "rejected", None)
            if rejected:
                self.notes.append(f"Ignored {name} “{_short(rejected)}”: not a valid value.")
            if name in form.errors:
                self.notes.append(" ".join(form.errors[name]))
        if values.get("q") and not search.parse_query(values["q"]):
            self.notes.append(f"Nothing to search for in “{values['q'][:40]}”: add a word.")
            values["q"] = ""
        if values.get("month") and len(values.get("year") or []) != 1:
            self.notes.append("Months are shown within one year: choose a year first.")
            values["month"] = []
        raw = (values.get("undated") or "").strip().lower()
        values["undated"] = raw in ("1", "yes", "true", "on")
        if raw and not values["undated"]:
            self.notes.append(f"Ignored undated “{raw[:40]}”: use undated=1.")
        start, end = values.get("from"), values.get("to")
        if start and end and start > end:
            self.notes.append("The date range ends before it starts, so it was ignored.")
            values["from"] = values["to"] = None
        self._values = values
        self._resolved = True

    def resolve_entities(self, index=None) -> dict[str, dict[str, object]]:
        """Look up the selected organisations, people and events: in the count index when one
        is given (archive/counts.py, which holds each one's slug, name and kind), else, and
        for any it does not know yet, in the database (one query per table).

        Unknown slugs are dropped from the filter with a note; the objects found give the
        active-filter chips their names.
        """
        values = self.values
        found: dict[str, dict[str, object]] = {}
        by_model: dict = {}
        for name in ENTITY_PARAMETERS:
            by_model.setdefault(self.filters[name].entity_model, []).append(name)
        for model, names in by_model.items():
            wanted = {slug for name in names for slug in values.get(name) or []}
            relation = self.filters[names[0]].relation
            indexed = index.by_slug[relation] if index is not None else {}
            objects = {slug: indexed[slug] for slug in wanted if slug in indexed}
            if wanted - objects.keys():
                objects.update(
                    (o.slug, o) for o in model.objects.filter(slug__in=wanted - objects.keys())
                )
            for name in names:
                kinds = self.filters[name].kinds
                known = [
                    slug
                    for slug in values.get(name) or []
                    if slug in objects and (not kinds or objects[slug].kind in kinds)
                ]
                unknown = [s for s in values.get(name) or [] if s not in known]
                if unknown:
                    label = self.filters[name].label.lower()
                    self.notes.append(f"No {label} “{_short(unknown)}” in the archive; ignored.")
                values[name] = known
                found[name] = {slug: objects[slug] for slug in known}
        return found

    # -- filtering ----------------------------------------------------------------------------

    def filtered(
        self, queryset: QuerySet | None = None, *, without: Iterable[str] = ()
    ) -> QuerySet:
        """The queryset with every active filter applied except those named in `without`."""
        qs = self.queryset if queryset is None else queryset
        skip = set(without)
        for name, value in self.values.items():
            if name not in skip and value not in (None, "", []):
                qs = self.filters[name].filter(qs, value)
        return qs

    @property
    def qs(self) -> QuerySet:
        if not hasattr(self, "_qs"):
            self._qs = self.filtered()
        return self._qs

    @property
    def search_query(self) -> search.SearchQuery:
        return search.parse_query(self.values.get("q") or "")

    @cached_property
    def sort(self) -> str:
        raw = (self.data.get("sort") or "").strip() if self.data else ""
        default = "relevance" if self.search_query else "newest"
        if not raw:
            return default
        if raw not in SORTS:
            self.notes.append(f"Unknown sort “{raw[:40]}”; showing {SORTS[default].lower()}.")
            return default
        if raw == "relevance" and not self.search_query:
            return "newest"
        return raw

    def ordered(self) -> QuerySet:
        sort = self.sort
        if sort == "relevance":
            # The search's own order: how it ranks is archive.search's business.
            return search.by_relevance(self.filtered(without=["q"]), self.search_query, self.notes)
        if sort == "oldest":
            return self.qs.order_by(F("published_date").asc(nulls_last=True), "id")
        return self.qs.newest_first()

    @property
    def is_active(self) -> bool:
        return any(value not in (None, "", []) for value in self.values.values())


ArticleFilter.base_filters["from"] = PeriodFilter(end=False, label="From")
ArticleFilter.base_filters["to"] = PeriodFilter(end=True, label="To")
ArticleFilter.base_filters["undated"] = UndatedFilter(label="Undated")

FILTERS = ArticleFilter.base_filters
FILTER_PARAMETERS = tuple(FILTERS)  # q, union, org, person, event, source, year, month, from, to
FACET_PARAMETERS = tuple(n for n, f in FILTERS.items() if f.kind in ("entity", "value", "date"))
LIST_FACETS = tuple(n for n, f in FILTERS.items() if f.kind in ("entity", "value"))
ENTITY_PARAMETERS = {n: f.relation for n, f in FILTERS.items() if f.kind == "entity"}
LABELS = {name: f.label for name, f in FILTERS.items()}


def _short(values: list) -> str:
    text = ", ".join(str(v) for v in values)
    return text if len(text) <= 60 else text[:57] + "…"


class EventFilter(DeclaredFilterSet):
    """The timeline: events that any of the chosen unions took part in."""

    union = MultipleValueFilter(field_name="organisations", check=_slug)

    class Meta:
        model = Event
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data=data, queryset=queryset, **kwargs)
        self.notes: list[str] = []

    @cached_property
    def unions(self) -> list[str]:
        """The chosen unions' slugs that exist; anything else is noted and ignored."""
        self.form.is_valid()
        wanted = self.form.cleaned_data.get("union") or []
        rejected = getattr(self.form.fields["union"], "rejected", [])
        known = (
            set(
                Organisation.objects.filter(
                    slug__in=wanted, kind__in=Organisation.UNION_KINDS
                ).values_list("slug", flat=True)
            )
            if wanted
            else set()
        )
        unknown = [s for s in [*wanted, *rejected] if s not in known]
        if unknown:
            self.notes.append(f"No union “{_short(unknown)}” in the archive; ignored.")
        return [s for s in wanted if s in known]

    @property
    def qs(self) -> QuerySet:
        if not self.unions:
            return self.queryset.all()
        links = Event.organisations.through.objects.filter(organisation__slug__in=self.unions)
        return self.queryset.filter(id__in=links.values("event_id"))
