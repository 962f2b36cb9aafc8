"""Facet counts and the date histogram of the article list and the entity pages.

Every facet counts the published articles that match all the *other* active filters
(`ArticleList.matching(without=...)`), as intersections of sets in the count index
(counts.ArticleIndex): no query per facet, whatever the number of articles or values. Which
facets there are comes from the filter declarations (filters.LIST_FACETS); every URL comes
from the list (listing.ArticleList), which owns the reader's state.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pyroaring import BitMap

from archive.counts import ArticleIndex
from archive.filters import ENTITY_PARAMETERS, LABELS, LIST_FACETS, EventFilter
from archive.listing import ArticleList, list_url, query_string, toggled
from archive.models import Organisation

TOP_VALUES = 8


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
    undated: int = 0  # matching articles without a date, and the link to them
    undated_url: str = ""
    undated_selected: bool = False


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


def facets(selection: ArticleList) -> list[Facet]:
    """The facets of the article list, each value with its count and its toggle URL."""
    if not selection.shows_counts:
        return []
    result = [facet(selection, name) for name in LIST_FACETS]
    return [f for f in result if f.values] + _date_facets(selection)


def facet(selection: ArticleList, name: str) -> Facet:
    """One of the list's facets: its top values (all of them when the state asks for them)."""
    state = selection.state
    show_all = (state.get("all") or [""])[0] == name
    limit = None if show_all else TOP_VALUES
    if name == "source":
        rows = _source_rows(selection, limit)
    else:
        kinds = Organisation.UNION_KINDS if name == "union" else None
        rows = _entity_rows(selection, name, limit, kinds)
    result = Facet(name=name, title=LABELS[name])
    if limit and len(rows) > limit:
        rows = rows[:limit]
        result.more_url = selection.replace_url(all=[name])
    elif show_all:
        result.less_url = selection.without_url("all")
    selected = set(selection.values.get(name) or [])
    result.values = [
        FacetValue(
            value=slug,
            label=label,
            title=title,
            count=count,
            selected=slug in selected,
            url=selection.toggle_url(name, slug),
        )
        for slug, label, title, count in rows
    ]
    return result


def _date_facets(selection: ArticleList) -> list[Facet]:
    values = selection.values
    years = year_counts(selection)
    chosen = set(values.get("year") or [])
    facet_list = [
        Facet(
            name="year",
            title="Year",
            values=[
                FacetValue(str(y), str(y), n, y in chosen, selection.toggle_url("year", str(y)))
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
                        selection.toggle_url("month", str(m)),
                    )
                    for m, n in month_counts(selection, year)
                ],
            )
        )
    return [f for f in facet_list if f.values]


YEARS_AT_MOST = 12  # bars: a longer span of years is drawn a decade a bar, and a decade's
# bar leads to its years, a year's to its months, so every bar fits beside the list


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
    """One bar a year, or a decade when the years span more than YEARS_AT_MOST."""
    first, last = min(counts), max(counts)
    if last - first < YEARS_AT_MOST:
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
    if not selection.shows_counts:
        return None
    state = selection.state_without("all")
    years = selection.values.get("year") or []
    if len(years) == 1:
        year = years[0]
        counts = dict(month_counts(selection, year))
        months = set(selection.values.get("month") or [])
        rows = [
            (
                calendar.month_abbr[m],
                counts.get(m, 0),
                selection.url({**state, "month": [str(m)]}),
                m in months,
            )
            for m in range(1, 13)
        ]
        title, unit = f"Articles per month in {year}", "month"
    else:
        counts = dict(year_counts(selection))
        # A year bar keeps a date range (its count does); a decade bar is a date range.
        yearless = {k: v for k, v in state.items() if k not in ("year", "month")}
        rangeless = {k: v for k, v in yearless.items() if k not in ("from", "to")}
        unit, rows = "year", []
        if counts:
            unit, rows = _year_rows(
                counts,
                lambda y: selection.url({**yearless, "year": [str(y)]}),
                lambda d: selection.url({**rangeless, "from": [str(d)], "to": [str(d + 9)]}),
                years,
            )
        title = f"Articles per {unit}"
    undated = 0
    if not years:  # undated articles have no year: not counted once one is chosen
        base = selection.matching(without=["dates", "undated"])
        undated = base.intersection_cardinality(selection.index.undated)
    result = Histogram(
        title=title,
        unit=unit,
        bars=_bars(rows),
        undated=undated,
        undated_url=selection.url(
            {**selection.state_without("all", "from", "to", "undated"), "undated": ["1"]}
        ),
        undated_selected=bool(selection.values.get("undated")),
    )
    return result if any(b.count for b in result.bars) or result.undated else None


def histogram_for(
    index: ArticleIndex, members: BitMap, params: dict[str, list[str]]
) -> Histogram | None:
    """Articles per year (or decade) for an entity page, each bar a link into the article list
    narrowed by `params` and to its period."""
    counts = dict(index.counts("year", members))
    undated = members.intersection_cardinality(index.undated)
    if not counts and not undated:
        return None
    unit, bar_rows = "year", []
    if counts:
        unit, bar_rows = _year_rows(
            counts,
            lambda y: list_url({**params, "year": [str(y)]}),
            lambda d: list_url({**params, "from": [str(d)], "to": [str(d + 9)]}),
        )
    return Histogram(
        title=f"Articles per {unit}",
        unit=unit,
        bars=_bars(bar_rows),
        undated=undated,
        undated_url=list_url({**params, "undated": ["1"]}),
    )


def timeline_unions(
    filterset: EventFilter, public: Callable[[str, int], bool], links: Iterable[tuple]
) -> list[FacetValue]:
    """The unions that took part in events, with how many, each a toggle of the timeline.

    `links` are every event's organisations, as (event id, organisation id, slug, name,
    abbreviation, kind): the timeline reads them once for its events and for this. Only what
    the reader may see: `public(relation, id)` says (the count index, for the public: unions
    and events named in a published article)."""
    found: dict[int, dict] = {}
    for event_id, org_id, slug, name, abbreviation, kind in links:
        if kind not in Organisation.UNION_KINDS:
            continue
        if public("events", event_id) and public("organisations", org_id):
            row = found.setdefault(org_id, {"slug": slug, "name": name, "abbr": abbreviation})
            row["n"] = row.get("n", 0) + 1
    rows = sorted(found.values(), key=lambda row: (-row["n"], row["name"]))
    chosen = set(filterset.unions)
    union_state = {"union": filterset.unions}
    return [
        FacetValue(
            value=row["slug"],
            label=row["abbr"] or row["name"],
            title=row["name"],
            count=row["n"],
            selected=row["slug"] in chosen,
            url=query_string(toggled(union_state, "union", row["slug"])),
        )
        for row in rows
    ]
