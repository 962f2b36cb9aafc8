"""Facet counts, the date histogram and the URLs that change the reading room's state.

Every facet counts the published articles that match all the *other* active filters, with one
GROUP BY query per facet, whatever the number of articles or values (PERFORMANCE.md). The counts
over the whole archive (no filter active) are cached, and the cache is renewed whenever an
article or its links change (see `invalidate`, wired up in apps.py).
"""

from __future__ import annotations

import calendar
import functools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, QuerySet

from archive import search
from archive.filters import FACET_PARAMETERS, FILTER_PARAMETERS, SORTS, ArticleFilter, EventFilter
from archive.models import Article, Event, Organisation

TOP_VALUES = 8
CACHE_SECONDS = 300
_GENERATION_KEY = "archive:facets:generation"
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


def _generation() -> str:
    """What the cached counts were made from: this process's changes (see `invalidate`) and
    the articles' number and last change, which other processes' writes move too."""
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.set(_GENERATION_KEY, generation, None)
    stamp = Article.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    last = stamp["last"].timestamp() if stamp["last"] else 0
    return f"{generation}:{stamp['n']}:{last}"


def invalidate(**_signal_kwargs) -> None:
    """Forget the cached whole-archive counts (an article, or its links, changed): now, and
    again when the change commits, so a request between the two cannot keep the old counts."""
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(_GENERATION_KEY, uuid.uuid4().hex, None))


def _counted(
    filterset: ArticleFilter, key: str, compute: Callable[[], list], ignoring: Iterable[str] = ()
) -> list:
    """Counts computed once per request, and cached across requests when they cover the whole
    archive: when no filter is active but those in `ignoring`, which the counts leave out."""
    memo = filterset.__dict__.setdefault("_facet_memo", {})
    if key not in memo and filterset.search_query:
        # Counts over a search keep to its time budget; left out (with a note) beyond it.
        compute = functools.partial(
            search.bounded, filterset.search_query, compute, [], "counts by facet and year"
        )
    if key not in memo:
        whole_archive = all(
            value in (None, "", [])
            for name, value in filterset.values.items()
            if name not in set(ignoring)
        )
        if not whole_archive:
            memo[key] = compute()
        else:
            if "generation" not in memo:
                memo["generation"] = _generation()
            memo[key] = cache.get_or_set(
                f"archive:facets:{memo['generation']}:{key}", compute, CACHE_SECONDS
            )
    return memo[key]


def _entity_rows(
    filterset: ArticleFilter, name: str, limit: int | None, kinds: Iterable[str] | None = None
) -> list[tuple[str, str, str, int]]:
    """(slug, label, title, count) for the entity facet `name`, most articles first."""
    entity_filter = filterset.filters[name]
    target = entity_filter.target_column
    base = filterset.filtered(without=[name])
    rows = entity_filter.through.objects.filter(article_id__in=base.values("id"))
    if kinds:
        rows = rows.filter(**{f"{target}__kind__in": kinds})
    columns = [f"{target}__slug", f"{target}__name"]
    if target == "organisation":
        columns.append("organisation__abbreviation")
    if target == "event":
        columns.append("event__start_date")
    rows = rows.values(*columns).annotate(n=Count("id")).order_by("-n", f"{target}__name")
    if limit:
        rows = rows[: limit + 1]
    result = []
    for row in rows:
        slug, name_ = row[f"{target}__slug"], row[f"{target}__name"]
        label, title = name_, ""
        if row.get("organisation__abbreviation"):
            label, title = row["organisation__abbreviation"], name_
        if row.get("event__start_date"):
            label = f"{name_} ({row['event__start_date']:%Y})"
        result.append((slug, label, title, row["n"]))
    return result


def _source_rows(filterset: ArticleFilter, limit: int | None) -> list[tuple[str, str, str, int]]:
    rows = (
        filterset.filtered(without=["source"])
        .exclude(source="")
        .values("source")
        .annotate(n=Count("id"))
        .order_by("-n", "source")
    )
    if limit:
        rows = rows[: limit + 1]
    return [(r["source"], r["source"], "", r["n"]) for r in rows]


def year_counts(filterset: ArticleFilter) -> list[tuple[int, int]]:
    base = filterset.filtered(without=["year", "month"])
    rows = base.exclude(year=None).values("year").annotate(n=Count("id")).order_by("year")
    return [(r["year"], r["n"]) for r in rows]


def month_counts(filterset: ArticleFilter, year: int) -> list[tuple[int, int]]:
    base = filterset.filtered(without=["month"]).filter(year=year)
    rows = base.exclude(month=None).values("month").annotate(n=Count("id")).order_by("month")
    return [(r["month"], r["n"]) for r in rows]


FACETS = (
    ("union", "Union"),
    ("org", "Organisation"),
    ("person", "Person"),
    ("event", "Event"),
    ("source", "Source"),
)


def facets(filterset: ArticleFilter, state: dict[str, list[str]]) -> list[Facet]:
    """The facets of the article list, each value with its count and its toggle URL."""
    result = [facet(filterset, state, name) for name, _ in FACETS]
    return [f for f in result if f.values] + _date_facets(filterset, state)


def facet(filterset: ArticleFilter, state: dict[str, list[str]], name: str) -> Facet:
    """One of the FACETS: its top values (all of them when state asks), counted in one query."""
    show_all = (state.get("all") or [""])[0] == name
    limit = None if show_all else TOP_VALUES
    if name == "source":
        rows = _counted(
            filterset, f"{name}:{limit}", lambda: _source_rows(filterset, limit), [name]
        )
    else:
        kinds = Organisation.UNION_KINDS if name == "union" else None
        rows = _counted(
            filterset,
            f"{name}:{limit}",
            lambda: _entity_rows(filterset, name, limit, kinds),
            [name],
        )
    result = Facet(name=name, title=dict(FACETS)[name])
    if limit and len(rows) > limit:
        rows = rows[:limit]
        result.more_url = replaced(state, all=[name])
    elif show_all:
        result.less_url = without(state, "all")
    selected = set(filterset.values.get(name) or [])
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


def _date_facets(filterset: ArticleFilter, state: dict[str, list[str]]) -> list[Facet]:
    values = filterset.values
    state = {k: v for k, v in state.items() if k != "all"}
    years = _counted(filterset, "year", lambda: year_counts(filterset), ["year", "month"])
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
                    for m, n in _counted(filterset, "month", lambda: month_counts(filterset, year))
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


def histogram(filterset: ArticleFilter, state: dict[str, list[str]]) -> Histogram | None:
    """Matching articles per year (per decade over long spans, per month when one year is
    chosen), each bar a link that narrows the list to its period."""
    state = {k: v for k, v in state.items() if k != "all"}
    years = filterset.values.get("year") or []
    if len(years) == 1:
        year = years[0]
        counts = dict(_counted(filterset, "month", lambda: month_counts(filterset, year)))
        months = set(filterset.values.get("month") or [])
        rows = [
            (calendar.month_abbr[m], counts.get(m, 0), replaced(state, month=[str(m)]), m in months)
            for m in range(1, 13)
        ]
        title, unit = f"Articles per month in {year}", "month"
    else:
        counts = dict(
            _counted(filterset, "year", lambda: year_counts(filterset), ["year", "month"])
        )
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


def histogram_for(articles: QuerySet, list_url: str) -> Histogram | None:
    """Articles per year (or decade) for an entity page, each bar a link into the article list
    at `list_url` narrowed to its period."""
    rows = articles.exclude(year=None).values("year").annotate(n=Count("id")).order_by("year")
    counts = {r["year"]: r["n"] for r in rows}
    if not counts:
        return None
    unit, bar_rows = _year_rows(
        counts,
        lambda y: f"{list_url}&year={y}",
        lambda d: f"{list_url}&from={d}&to={d + 9}",
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
        Event.organisations.through.objects.filter(
            organisation__kind__in=Organisation.UNION_KINDS,
            # Only what the public may see: unions and events named in a published article.
            organisation__in=Organisation.objects.public(),
            event__in=Event.objects.public(),
        )
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
