"""The article list as one object: the reader's state, what matches, and every URL.

`ArticleList(request.GET)` validates the parameters once (filters.ArticleFilter, which also
writes the notes about what was ignored), parses the search once, turns every active filter into
a set of positions in the count index (counts.ArticleIndex) and intersects them. Facets
(facets.py) count over `matching(without=...)`; the page of results is a slice of the matching
set (newest or oldest first) or, sorted by relevance, the search's own ranking.

Every link that changes the list (toggle a value, replace or remove one, sort, page, the chips
that remove a filter) is made here, from the state, with the parameters in one fixed order;
templates only print them. It calls the search module for the page's snippets and the search's
notes; the matches themselves come through archive/matches.py.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db import router
from django.db.models import Case, Value, When
from django.db.models.functions import Left
from pyroaring import BitMap

from archive import counts, links, search
from archive import matches as search_matches
from archive.filters import (
    ENTITY_PARAMETERS,
    FACET_PARAMETERS,
    FILTER_PARAMETERS,
    LABELS,
    LIST_FACETS,
    SORTS,
    ArticleFilter,
)
from archive.models import TEASER_CHARS, Article
from archive.statements import Statement, compile_once

State = dict[str, list[str]]
STATE_PARAMETERS = (*FILTER_PARAMETERS, "sort")


QUERY_ORDER = (*STATE_PARAMETERS, "all", "page")


def query_string(params: State) -> str:
    """A query string for the article list, parameters in a fixed order, page last."""
    pairs = [
        _pair(name, value) for name in QUERY_ORDER for value in params.get(name, []) if value != ""
    ]
    return "?" + "&".join(pairs) if pairs else "?"


@functools.lru_cache(maxsize=4096)
def _pair(name: str, value: str) -> str:
    """One parameter, encoded: a list page links each of its values a hundred times over (a
    facet's every toggle repeats the selection), and encoding took a sixth of its time."""
    return urlencode([(name, value)])


def list_url(params: State) -> str:
    """The article list's URL with these parameters, for links from other pages."""
    return links.url("archive:article_list") + query_string(params)


def toggled(state: State, name: str, value: str) -> State:
    """The state with `value` of `name` added, or removed when it was there."""
    values = list(state.get(name, []))
    values = [v for v in values if v != value] if value in values else [*values, value]
    new = {**state, name: values}
    if name == "year":
        new.pop("month", None)  # months belong to the year they were chosen in
    return new


@dataclass(frozen=True)
class Chip:
    """One active filter, with the URL that removes it."""

    kind: str
    label: str
    remove_url: str


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap (…)
    url: str = ""
    current: bool = False


PER_PAGE = 20
# What a list shows of each article (includes/article_item.html: headline, date, source, byline,
# standfirst or the opening of the text): only these are read, as each further column is read,
# sent and converted twenty times a page. Of the text, only its opening (models.TEASER_CHARS),
# but for a search, whose snippets are cut from the whole text.
LIST_FIELDS = (
    "id", "slug", "status", "title", "title_supplied", "standfirst", "standfirst_supplied",
    "byline", "source", "published_date", "date_precision",
)  # fmt: skip


class ArticleList:
    def __init__(self, data, *, base: str = "") -> None:
        """`base` prefixes every URL: "" on the list itself, its path when shown elsewhere."""
        self.base = base
        self.filterset = ArticleFilter(data, queryset=Article.objects.published())
        self.index = counts.index()
        self.entities = self.filterset.resolve_entities(self.index)
        self.values = self.filterset.values
        self.notes = self.filterset.notes
        self.state = self._state(data)
        self.query = self.filterset.search_query
        self._sets = self._selected_sets()

    # -- the reader's state and its URLs -----------------------------------------------------

    def _state(self, data) -> State:
        """The state as the filter set understood it: each value written one way ("3", not
        "03"), what was ignored left out, so every toggle and remove link works."""
        values = self.values
        state: State = {}
        if values.get("q"):
            state["q"] = [values["q"]]
        for name in FACET_PARAMETERS:
            if values.get(name):
                state[name] = [str(value) for value in values[name]]
        for name in ("from", "to"):
            if values.get(name):
                state[name] = [data.get(name, "").strip()]
        if values.get("undated"):
            state["undated"] = ["1"]
        if data.get("sort") in SORTS:
            state["sort"] = [data["sort"]]
        if data.get("all") in LIST_FACETS:
            state["all"] = [data["all"]]
        return state

    def state_without(self, *names: str) -> State:
        return {k: v for k, v in self.state.items() if k not in names}

    def url(self, params: State) -> str:
        return self.base + query_string(params)

    def toggle_url(self, name: str, value: str) -> str:
        """Select or unselect one value (an expanded facet folds back)."""
        return self.url(toggled(self.state_without("all"), name, value))

    def replace_url(self, **changes: list[str]) -> str:
        return self.url({**self.state, **changes})

    def without_url(self, *names: str) -> str:
        return self.url(self.state_without(*names))

    @property
    def page_url(self) -> str:
        return self.url(self.state)

    @property
    def clear_url(self) -> str:
        """Every filter removed; the sort kept."""
        return self.url({"sort": self.state["sort"]} if "sort" in self.state else {})

    @property
    def search_keeps(self) -> State:
        """What a new search keeps: the filters, not the words, the sort or an expanded facet."""
        return self.state_without("q", "sort", "all")

    @property
    def date_form_keeps(self) -> list[tuple[str, str]]:
        """Hidden fields of the date range form: the state but the range itself."""
        return [
            (name, value)
            for name, values in self.state_without("from", "to").items()
            for value in values
        ]

    @property
    def sort_links(self) -> list[tuple[str, str, str, bool]]:
        """(key, label, URL, current) of each sort this list offers."""
        return [
            (key, label, self.url({**self.state_without("sort"), "sort": [key]}), key == self.sort)
            for key, label in SORTS.items()
            if key != "relevance" or self.query
        ]

    @property
    def chips(self) -> list[Chip]:
        values, result = self.values, []
        if values.get("q"):
            result.append(Chip(LABELS["q"], values["q"], self.without_url("all", "q", "sort")))
        for name in FACET_PARAMETERS:
            for value in values.get(name) or []:
                if name in self.entities:
                    obj = self.entities[name][value]
                    label = getattr(obj, "short_name", None) or obj.name
                elif name == "month":
                    label = calendar.month_name[value]
                else:
                    label = str(value)
                result.append(Chip(LABELS[name], label, self.toggle_url(name, str(value))))
        for name in ("from", "to"):
            if values.get(name):
                raw = (self.state.get(name) or [""])[0]
                result.append(Chip(LABELS[name], raw, self.without_url("all", name)))
        if values.get("undated"):
            result.append(Chip("Date", "Undated", self.without_url("all", "undated")))
        return result

    def page_links(self, page: Page) -> list[PageLink]:
        """1 … 4 5 [6] 7 8 … 20, each number a link to its page of this list."""
        last, current = page.paginator.num_pages, page.number
        wanted = sorted(n for n in {1, last, *range(current - 2, current + 3)} if 1 <= n <= last)
        links: list[PageLink] = []
        for n in wanted:
            if links and n - (links[-1].number or 0) > 1:
                links.append(PageLink(None))
            links.append(PageLink(n, self.page_number_url(n), n == current))
        return links

    def page_number_url(self, number: int) -> str:
        return self.url({**self.state, "page": [str(number)]})

    # -- what matches ------------------------------------------------------------------------

    def _selected_sets(self) -> dict[str, BitMap]:
        """The positions each active filter allows, by parameter ("dates" for from/to)."""
        values, index = self.values, self.index
        sets: dict[str, BitMap] = {}
        if self.searching:
            # One match a request (archive.search keeps it); its notes join the list's. The
            # count index keeps only published articles, so drafts among the ids fall away.
            sets["q"] = self._found.positions
        for name, relation in ENTITY_PARAMETERS.items():
            if values.get(name):
                sets[name] = index.entity_set(relation, values[name])
        for name in ("source", "year"):
            if values.get(name):
                sets[name] = index.any_of(name, values[name])
        if values.get("month"):
            (year,) = values["year"]
            sets["month"] = index.any_of("month", [(year, m) for m in values["month"]])
        if values.get("from") or values.get("to"):
            sets["dates"] = index.span(values.get("from"), values.get("to"))
        if values.get("undated"):
            sets["undated"] = index.undated
        return sets

    @property
    def searching(self) -> bool:
        return bool(self.values.get("q") and self.query)

    @cached_property
    def _found(self) -> search_matches.Found:
        """The search's matches as positions in the count index (archive/matches.py: prepared
        with the index for its commonest words, kept for other broad searches, else read)."""
        return search_matches.found(self.index, self.query, self.notes)

    @property
    def search_complete(self) -> bool:
        return not self.searching or self._found.complete

    @property
    def shows_counts(self) -> bool:
        """False when a search was cut short to answer in time: counts over part of its
        matches would mislead, so facets and the histogram are left out (its note says so)."""
        return self.search_complete

    @property
    def expansions(self) -> list[tuple[object, str]]:
        """Names the search widened to their other names, each with the URL that searches for
        the words as typed (a name in quotes is never widened)."""
        if not self.query:
            return []
        typed = self.replace_url(q=[search.unexpanded_text(self.query)])
        return [(expansion, typed) for expansion in search.expansions(self.query)]

    def matching(self, without: Iterable[str] = ()) -> BitMap:
        """Positions of the articles that pass every active filter but those in `without`."""
        skip = set(without)
        chosen = [members for name, members in self._sets.items() if name not in skip]
        if not chosen:
            return self.index.all
        return BitMap.intersection(*chosen) if len(chosen) > 1 else chosen[0]

    @cached_property
    def matches(self) -> BitMap:
        return self.matching()

    @property
    def sort(self) -> str:
        return self.filterset.sort

    def page(self, raw: str) -> Page:
        """The requested page; a number that is not one gives page 1 or the last, with a note."""
        raw = (raw or "1").strip()
        paginator = Paginator(_Rows(len(self.matches), self._rows), PER_PAGE)
        number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
        if number is None or number < 1:
            self.notes.append(f"“{raw[:20]}” is not a page number; showing page 1.")
            number = 1
        elif number > paginator.num_pages:
            self.notes.append(f"There is no page {number}; showing the last page.")
            number = paginator.num_pages
        return paginator.page(number)

    def _rows(self, offset: int, limit: int) -> list[Article]:
        text = self.searching  # the snippets are cut from it
        if self.sort == "relevance" and text and self._found.ranked is not None:
            return articles_in_order(self._by_relevance[offset : offset + limit], text=text)
        if self.sort == "oldest":
            ids = self.index.oldest(self.matches, offset, limit)
        else:
            ids = self.index.newest(self.matches, offset, limit)
        return articles_in_order(ids, text=text)

    @cached_property
    def _by_relevance(self) -> list[int]:
        """Ids of the matches that pass every filter, best match first, then newest (at most
        search.RANK_LIMIT of them: a search with more is not ranked)."""
        found, index, allowed = self._found.ranked, self.index, self.matches
        ranked = []
        for pk, rank in zip(found.ids, found.ranks or (), strict=True):
            position = index.position_of(pk)
            if position >= 0 and position in allowed:
                ranked.append((rank, position, pk))
        ranked.sort()
        return [pk for _, _, pk in ranked]

    def snippets(self, articles: Iterable[Article]) -> dict:
        if not self.searching:
            return {}  # (the rows hold only the opening of their text)
        articles = list(articles)
        texts = {article.pk: article.body_text for article in articles}  # loaded with the rows
        return search.snippets(self.query, [article.pk for article in articles], texts)


def articles_in_order(ids: list[int], *, text: bool = False) -> list[Article]:
    """The articles with these ids, in this order, as lists show them (one query, compiled
    once per number of ids: archive/statements.py); with their whole text when `text`."""
    if not ids:
        return []
    statement = _rows_statement(len(ids), router.db_for_read(Article), text)
    found = {article.pk: article for article in statement.rows(ids)}
    return [found[pk] for pk in ids if pk in found]


@functools.lru_cache(maxsize=256)
def _rows_statement(count: int, database: str, text: bool) -> Statement:
    # published() again: whatever index the ids came from, no draft is ever listed.
    queryset = Article.objects.using(database).published()
    if text:
        queryset = queryset.only(*LIST_FIELDS, "body_text")
    else:
        # The opening of the text, which only an article without a standfirst shows
        # (Article.teaser): one more character, to know there is more. Read for those alone:
        # on PostgreSQL the text lies apart from the row (TOAST, migration 0015), and reading
        # it for a list of 20 articles took 171 buffer reads instead of 63 and twice the time.
        opening = Case(
            When(standfirst="", then=Left("body_text", TEASER_CHARS + 1)), default=Value("")
        )
        queryset = queryset.only(*LIST_FIELDS).annotate(text_opening=opening)
    markers = list(range(-count, 0))  # ids no row has
    return compile_once(queryset.filter(id__in=markers).order_by(), markers)


class _Rows:
    """A sequence of known length whose slices are fetched on demand (for the Paginator)."""

    def __init__(self, length: int, fetch) -> None:
        self.length, self.fetch = length, fetch

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, window: slice) -> list[Article]:
        start, stop = window.start or 0, min(window.stop, self.length)
        return self.fetch(start, max(0, stop - start))
