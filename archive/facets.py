"""Facet counts, the date histogram and the URLs that change the reading room's state.

Every facet counts the published articles that match all the *other* active filters
(`ArticleList.matching(without=...)`), as intersections of sets in the count index
(counts.ArticleIndex): no query per facet, whatever the number of articles or values.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from pyroaring import BitMap

from archive.counts import ArticleIndex
from archive.filters import FACET_PARAMETERS, FILTER_PARAMETERS, SORTS, ArticleFilter, EventFilter
from archive.models import Event, Organisation

if TYPE_CHECKING:
    from archive.listing import ArticleList

ENTITY_PARAMETERS = {
    "union": "organisations",
    "org": "organisations",
    "person": "people",
    "event": "events",
}
TOP_VALUES = 8
STATE_PARAMETERS = (*FILTER_PARAMETERS, "sort")


# -- URLs ------------------------------------------------------------------------------------


def query_url(params: dict[str, list[str]]) -> str:
    """A query string for the article list, parameters in a fixed order, page last."""
    order = [*STATE_PARAMETERS, "all", "page"]
    pairs = [(name, value) for name in order for value in params.get(name, []) if value != ""]
    return "?" + urlencode(pairs) if pairs else "?"


def state_from(filterset: ArticleFilter, data) -> dict[str, list[str]]:
    """The reader's state as the filter set understood it: each value written one way ("3",
    not "03"), what was ignored left out, so every toggle and remove link works. Call it after
    `filterset.resolve_entities()`."""
    values = filterset.values
    state: dict[str, list[str]] = {}
    if values.get("q"):
        state["q"] = [values["q"]]
    for name in FACET_PARAMETERS:
        if values.get(name):
            state[name] = [str(value) for value in values[name]]
    for name in ("from", "to"):
        if values.get(name):
            state[name] = [data.get(name, "").strip()]
    if data.get("sort") in SORTS:
        state["sort"] = [data["sort"]]
    if data.get("all") in dict(FACETS):
        state["all"] = [data["all"]]
    return state


def toggled(state: dict[str, list[str]], name: str, value: str) -> str:
    values = list(state.get(name, []))
    values = [v for v in values if v != value] if value in values else [*values, value]
    new = {**state, name: values}
    if name == "year":
        new.pop("month", None)  # months belong to the year they were chosen in
    return query_url(new)


def replaced(state: dict[str, list[str]], **changes: list[str]) -> str:
    return query_url({**state, **changes})


def without(state: dict[str, list[str]], *names: str) -> str:
    return query_url({k: v for k, v in state.items() if k not in names})


# -- facets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str
    title: str = ""


@dataclass
class Facet:
    name: str
    title: str
    values: list[FacetValue] = field(default_factory=list)
    more_url: str = ""  # set when only the top values are shown
    less_url: str = ""  # set when all values are shown


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str
    selected: bool
    height: int  # 0-20, a twentieth of the tallest bar each


@dataclass(frozen=True)
class Histogram:
    title: str
    unit: str
    bars: list[Bar]


def _entity_rows(
    selection: ArticleList, name: str, limit: int | None, kinds: Iterable[str] | None = None
) -> list[tuple[str, str, str, int]]:
    """(slug, label, title, count) for the entity facet `name`, most articles first."""
    index = selection.index
    relation = ENTITY_PARAMETERS[name]
    entities = index.entities[relation]
    wanted = {pk for pk, e in entities.items() if e.kind in kinds} if kinds else None
    found = index.counts(relation, selection.matching(without=[name]), wanted)
    ranked = sorted(found.items(), key=lambda item: (-item[1], entities[item[0]].name))
    if limit:
        ranked = ranked[: limit + 1]
    return [(entities[pk].slug, entities[pk].label, entities[pk].title, n) for pk, n in ranked]


def _source_rows(selection: ArticleList, limit: int | None) -> list[tuple[str, str, str, int]]:
    found = selection.index.counts("source", selection.matching(without=["source"]))
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    if limit:
        ranked = ranked[: limit + 1]
    return [(source, source, "", n) for source, n in ranked]


def year_counts(selection: ArticleList) -> list[tuple[int, int]]:
    found = selection.index.counts("year", selection.matching(without=["year", "month"]))
    return sorted(found.items())


def month_counts(selection: ArticleList, year: int) -> list[tuple[int, int]]:
    index = selection.index
    base = selection.matching(without=["month"]) & index.sets["year"].get(year, BitMap())
    months = [(year, m) for m in range(1, 13)]
    return sorted((m, n) for (_, m), n in index.counts("month", base, months).items())


FACETS = (
    ("union", "Union"),
    ("org", "Organisation"),
    ("person", "Person"),
    ("event", "Event"),
    ("source", "Source"),
)


def facets(selection: ArticleList) -> list[Facet]:
    """The facets of the article list, each value with its count and its toggle URL."""
    result = [facet(selection, name) for name, _ in FACETS]
    return [f for f in result if f.values] + _date_facets(selection)


def facet(selection: ArticleList, name: str) -> Facet:
    """One of the FACETS: its top values (all of them when state asks), counted in the index."""
    state = selection.state
    show_all = (state.get("all") or [""])[0] == name
    limit = None if show_all else TOP_VALUES
    if name == "source":
        rows = _source_rows(selection, limit)
    else:
        kinds = Organisation.UNION_KINDS if name == "union" else None
        rows = _entity_rows(selection, name, limit, kinds)
    result = Facet(name=name, title=dict(FACETS)[name])
    if limit and len(rows) > limit:
        rows = rows[:limit]
        result.more_url = replaced(state, all=[name])
    elif show_all:
        result.less_url = without(state, "all")
    selected = set(selection.values.get(name) or [])
    toggle_state = {k: v for k, v in state.items() if k != "all"}
    result.values = [
        FacetValue(
            value=slug,
            label=label,
            title=title,
            count=count,
            selected=slug in selected,
            url=toggled(toggle_state, name, slug),
        )
        for slug, label, title, count in rows
    ]
    return result


def _date_facets(selection: ArticleList) -> list[Facet]:
    values = selection.values
    state = {k: v for k, v in selection.state.items() if k != "all"}
    years = year_counts(selection)
    chosen = set(values.get("year") or [])
    facet_list = [
        Facet(
            name="year",
            title="Year",
            values=[
                FacetValue(str(y), str(y), n, y in chosen, toggled(state, "year", str(y)))
                for y, n in sorted(years, reverse=True)
            ],
        )
    ]
    if len(chosen) == 1:
        (year,) = chosen
        months = set(values.get("month") or [])
        facet_list.append(
            Facet(
                name="month",
                title=f"Month in {year}",
                values=[
                    FacetValue(
                        str(m),
                        calendar.month_name[m],
                        n,
                        m in months,
                        toggled(state, "month", str(m)),
                    )
                    for m, n in month_counts(selection, year)
                ],
            )
        )
    return [f for f in facet_list if f.values]


DECADES_AFTER = 40  # years: a longer span is drawn a decade a bar


def _bars(rows: list[tuple[str, int, str, bool]]) -> list[Bar]:
    tallest = max((count for _, count, _, _ in rows), default=0)
    return [
        Bar(label, count, url, selected, round(20 * count / tallest) if tallest else 0)
        for label, count, url, selected in rows
    ]


def _year_rows(
    counts: dict[int, int],
    year_url: Callable[[int], str],
    decade_url: Callable[[int], str],
    selected: Iterable[int] = (),
) -> tuple[str, list[tuple[str, int, str, bool]]]:
    """One bar a year, or a decade when the years span more than DECADES_AFTER."""
    first, last = min(counts), max(counts)
    if last - first <= DECADES_AFTER:
        return "year", [
            (str(y), counts.get(y, 0), year_url(y), y in selected) for y in range(first, last + 1)
        ]
    decades: dict[int, int] = {}
    for year, count in counts.items():
        decades[year - year % 10] = decades.get(year - year % 10, 0) + count
    start, end = min(decades), max(decades)
    return "decade", [
        (f"{d}s", decades.get(d, 0), decade_url(d), False) for d in range(start, end + 10, 10)
    ]


def histogram(selection: ArticleList) -> Histogram | None:
    """Matching articles per year (per decade over long spans, per month when one year is
    chosen), each bar a link that narrows the list to its period."""
    state = {k: v for k, v in selection.state.items() if k != "all"}
    years = selection.values.get("year") or []
    if len(years) == 1:
        year = years[0]
        counts = dict(month_counts(selection, year))
        months = set(selection.values.get("month") or [])
        rows = [
            (calendar.month_abbr[m], counts.get(m, 0), replaced(state, month=[str(m)]), m in months)
            for m in range(1, 13)
        ]
        title, unit = f"Articles per month in {year}", "month"
    else:
        counts = dict(year_counts(selection))
        if not counts:
            return None
        # A year bar keeps a date range (its count does); a decade bar is a date range.
        yearless = {k: v for k, v in state.items() if k not in ("year", "month")}
        undated = {k: v for k, v in yearless.items() if k not in ("from", "to")}
        unit, rows = _year_rows(
            counts,
            lambda y: replaced(yearless, year=[str(y)]),
            lambda d: replaced(undated, **{"from": [str(d)], "to": [str(d + 9)]}),
            years,
        )
        title = f"Articles per {unit}"
    bars = _bars(rows)
    return Histogram(title=title, unit=unit, bars=bars) if any(b.count for b in bars) else None


def histogram_for(
    index: ArticleIndex, members: BitMap, params: dict[str, list[str]]
) -> Histogram | None:
    """Articles per year (or decade) for an entity page, each bar a link into the article list
    narrowed by `params` and to its period."""
    counts = dict(index.counts("year", members))
    if not counts:
        return None
    list_url = reverse("archive:article_list")
    unit, bar_rows = _year_rows(
        counts,
        lambda y: list_url + query_url({**params, "year": [str(y)]}),
        lambda d: list_url + query_url({**params, "from": [str(d)], "to": [str(d + 9)]}),
    )
    return Histogram(title=f"Articles per {unit}", unit=unit, bars=_bars(bar_rows))


# -- active filters --------------------------------------------------------------------------


@dataclass(frozen=True)
class Chip:
    """One active filter, with the URL that removes it."""

    kind: str
    label: str
    remove_url: str


CHIP_KINDS = {
    "q": "Search",
    "union": "Union",
    "org": "Organisation",
    "person": "Person",
    "event": "Event",
    "source": "Source",
    "year": "Year",
    "month": "Month",
    "from": "From",
    "to": "To",
}


def chips(
    filterset: ArticleFilter, state: dict[str, list[str]], entities: dict[str, dict[str, object]]
) -> list[Chip]:
    values = filterset.values
    result = []
    state = {k: v for k, v in state.items() if k != "all"}
    if values.get("q"):
        result.append(Chip("Search", values["q"], without(state, "q", "sort")))
    for name in ("union", "org", "person", "event", "source", "year", "month"):
        for value in values.get(name) or []:
            if name in entities:
                obj = entities[name][value]
                label = getattr(obj, "short_name", None) or obj.name
            elif name == "month":
                label = calendar.month_name[value]
            else:
                label = str(value)
            result.append(Chip(CHIP_KINDS[name], label, toggled(state, name, str(value))))
    for name in ("from", "to"):
        if values.get(name):
            raw = (state.get(name) or [""])[0]
            result.append(Chip(CHIP_KINDS[name], raw, without(state, name)))
    return result


def timeline_unions(filterset: EventFilter) -> list[FacetValue]:
    """The unions that took part in events, with how many, each a toggle of the timeline."""
    rows = (
        Event.organisations.through.objects.filter(organisation__kind__in=Organisation.UNION_KINDS)
        .values("organisation__slug", "organisation__name", "organisation__abbreviation")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation__name")
    )
    chosen = set(filterset.unions)
    union_state = {"union": filterset.unions}
    return [
        FacetValue(
            value=row["organisation__slug"],
            label=row["organisation__abbreviation"] or row["organisation__name"],
            title=row["organisation__name"],
            count=row["n"],
            selected=row["organisation__slug"] in chosen,
            url=toggled(union_state, "union", row["organisation__slug"]),
        )
        for row in rows
    ]
