"""The article list as one object: what the reader asked for, what matches, which page.

`ArticleList(request.GET)` validates the parameters once (filters.ArticleFilter, which also
writes the notes about what was ignored), parses the search once, turns every active filter into
a set of positions in the count index (counts.ArticleIndex) and intersects them. Facets
(facets.py) count over `matching(without=...)`; the page of results is a slice of the matching
set (newest or oldest first) or, sorted by relevance, the search's own ranking.

This is the one place that calls the search module to find matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from django.core.paginator import Page, Paginator
from pyroaring import BitMap

from archive import counts, facets, search
from archive.facets import ENTITY_PARAMETERS
from archive.filters import ArticleFilter
from archive.models import Article

PER_PAGE = 20
# What a list shows of each article; the stored original and clean body are not read.
LIST_FIELDS_DEFERRED = ("original", "body_html")


class ArticleList:
    def __init__(self, data) -> None:
        self.filterset = ArticleFilter(data, queryset=Article.objects.published())
        self.entities = self.filterset.resolve_entities()
        self.values = self.filterset.values
        self.notes = self.filterset.notes
        self.state = facets.state_from(self.filterset, data)
        self.query = self.filterset.search_query
        self.index = counts.index()
        self._sets = self._selected_sets()

    def _selected_sets(self) -> dict[str, BitMap]:
        """The positions each active filter allows, by parameter ("dates" for from/to)."""
        values, index = self.values, self.index
        sets: dict[str, BitMap] = {}
        if values.get("q") and self.query:
            sets["q"] = index.positions_of(self._search_matches())
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
        return sets

    def _search_matches(self) -> list[int]:
        matches = search.matching(Article.objects.published(), self.query)
        return list(matches.values_list("id", flat=True))

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
        if self.sort == "relevance":
            # The search ranks its own matches; the other filters are applied in SQL.
            ranked = search.by_relevance(self.filterset.filtered(without=["q"]), self.query)
            return list(ranked.defer(*LIST_FIELDS_DEFERRED)[offset : offset + limit])
        if self.sort == "oldest":
            ids = self.index.oldest(self.matches, offset, limit)
        else:
            ids = self.index.newest(self.matches, offset, limit)
        return articles_in_order(ids)

    def snippets(self, articles: list[Article]) -> dict:
        return search.snippets(self.query, [article.pk for article in articles])


def articles_in_order(ids: list[int]) -> list[Article]:
    """The articles with these ids, in this order, as lists show them (one query)."""
    if not ids:
        return []
    found = Article.objects.filter(id__in=ids).defer(*LIST_FIELDS_DEFERRED).in_bulk()
    return [found[pk] for pk in ids if pk in found]


class _Rows:
    """A sequence of known length whose slices are fetched on demand (for the Paginator)."""

    def __init__(self, length: int, fetch) -> None:
        self.length, self.fetch = length, fetch

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, window: slice) -> list[Article]:
        start, stop = window.start or 0, min(window.stop, self.length)
        return self.fetch(start, max(0, stop - start))
