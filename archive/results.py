"""A result set of the article list, as the exports, the API, the feeds and citations see it.

Everything that takes articles away (downloads, /api/, Atom feeds, "cite this search") reads a
list URL's parameters through `article_results`, the one adapter onto the reading room's
state (`listing.ArticleList`: its filters, notes, count and facet counts): so a download has
the same filters, the same notes and the same count as the page it was taken from.

A result set is read in chunks by `chunks`: a fixed number of queries per chunk (one for the
articles, one per kind of link), whatever the size of the set, so a million rows stream in
constant memory. Chunks follow the list's order by keyset (the last row's date and id), not
by OFFSET, so late chunks cost what early ones do. A relevance order (a search) gives no key
to resume from: its ids are ranked once, up front (8 bytes an article), then read in chunks.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone

from archive import facets
from archive.filters import ArticleFilter
from archive.listing import STATE_PARAMETERS, ArticleList, query_string
from archive.models import Article, Event

# The parameters of a list URL that choose its result set and order (not its page).
LIST_PARAMETERS = STATE_PARAMETERS
CHUNK_SIZE = 500
# Links read with every chunk: one query each.
LINKS = ("organisations", "people", "events")


def permanent_url(obj, request: HttpRequest | None = None) -> str:
    """The address to cite and link to for an article, organisation, person or event.

    The one place that decides it: the models' short permanent addresses (/a/<id>/ …),
    which no change of slug or merge breaks.
    """
    path = obj.get_permanent_url()
    return request.build_absolute_uri(path) if request is not None else path


@dataclass
class ResultSet:
    """The articles a list URL's parameters select, in the list's order."""

    selection: ArticleList

    @property
    def filterset(self) -> ArticleFilter:
        return self.selection.filterset

    @property
    def state(self) -> dict[str, list[str]]:
        return self.selection.state

    @property
    def notes(self) -> list[str]:
        return self.selection.notes

    @property
    def sort(self) -> str:
        return self.filterset.sort

    @property
    def queryset(self) -> QuerySet:
        """The matching articles, in the list page's order."""
        return self.filterset.ordered()

    def count(self) -> int:
        # The list page's own count (its count index), so the two always agree.
        return len(self.selection.matches)

    @property
    def query_string(self) -> str:
        """The list page's state (filters and sort) as a query string, "" when none."""
        url = query_string(self.filter_state())
        return "" if url == "?" else url

    def filter_state(self) -> dict[str, list[str]]:
        """The state without what only changes the page's layout ("all", "page")."""
        return {k: v for k, v in self.state.items() if k not in ("all", "page")}

    def list_url(self, request: HttpRequest | None = None) -> str:
        """The article list showing exactly this result set."""
        path = reverse("archive:article_list") + self.query_string
        return request.build_absolute_uri(path) if request is not None else path

    def url_for(self, name: str, request: HttpRequest | None = None, **extra) -> str:
        """Another view of this result set (an export, a feed) with the same parameters."""
        state = self.filter_state()
        pairs = [(k, v) for k, values in state.items() for v in values]
        pairs += [(k, v) for k, v in extra.items() if v not in (None, "")]
        path = reverse(name) + ("?" + urlencode(pairs) if pairs else "")
        return request.build_absolute_uri(path) if request is not None else path

    def describe(self) -> str:
        """In words: "Articles: PCS, 2011" or "All articles"."""
        chips = self.selection.chips
        if not chips:
            return "All articles"
        return "Articles: " + ", ".join(
            f"“{chip.label}”" if chip.kind == "Search" else chip.label for chip in chips
        )

    def facet_counts(self) -> dict[str, list[dict]]:
        """Every facet's values with counts, as the list page shows them (top values)."""
        result: dict[str, list[dict]] = {}
        for facet in facets.facets(self.selection):
            result[facet.name] = [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in facet.values
            ]
        return result


def article_results(params: QueryDict | dict) -> ResultSet:
    """The one adapter onto the list page's filtering: the result set its parameters select,
    of published articles only (drafts are never in a result set)."""
    selection = ArticleList(params)
    selection.sort  # noqa: B018 - settles the sort now, so its note is in `notes`
    return ResultSet(selection)


def with_links(queryset: QuerySet) -> QuerySet:
    """Articles with their organisations, people and events read in one query each."""
    return queryset.prefetch_related(
        "organisations",
        "people",
        Prefetch("events", Event.objects.order_by("start_date", "name")),
    )


def rows_after(sort: str, last: Article) -> Q:
    """Rows after `last` in the newest or oldest order (dates missing come last in both)."""
    date, pk = last.published_date, last.pk
    if sort == "oldest":
        if date is None:
            return Q(published_date__isnull=True, id__gt=pk)
        return (
            Q(published_date__gt=date)
            | Q(published_date=date, id__gt=pk)
            | Q(published_date__isnull=True)
        )
    if date is None:
        return Q(published_date__isnull=True, id__lt=pk)
    return (
        Q(published_date__lt=date)
        | Q(published_date=date, id__lt=pk)
        | Q(published_date__isnull=True)
    )


def ordered(queryset: QuerySet, sort: str) -> QuerySet:
    if sort == "oldest":
        return queryset.order_by(F("published_date").asc(nulls_last=True), "id")
    return queryset.order_by(F("published_date").desc(nulls_last=True), "-id")


@dataclass(frozen=True)
class Link:
    """An organisation, person or event an article is linked to, as downloads name it."""

    slug: str
    name: str


# How each kind of link is ordered, as the article page lists them.
_LINK_ORDER = {
    "organisations": ("organisation__name", "organisation__slug"),
    "people": ("person__name", "person__slug"),
    "events": ("event__start_date", "event__name"),
}


def read_links(articles: list[Article]) -> None:
    """Give each article `links`: {"organisations": [Link...], "people": [...], "events": [...]}.

    One query per kind of link, reading slugs and names only: no model instance or related
    manager per link, which is most of the cost of prefetch_related over a large export.
    """
    ids = [article.pk for article in articles]
    found: dict[str, dict[int, list[Link]]] = {}
    for relation in LINKS:
        field = getattr(Article, relation).field
        target = field.m2m_reverse_field_name()
        rows = (
            field.remote_field.through.objects.filter(article_id__in=ids)
            .order_by(*_LINK_ORDER[relation])
            .values_list("article_id", f"{target}__slug", f"{target}__name")
        )
        by_article: dict[int, list[Link]] = {}
        for article_id, slug, name in rows:
            by_article.setdefault(article_id, []).append(Link(slug, name))
        found[relation] = by_article
    for article in articles:
        article.links = {relation: found[relation].get(article.pk, []) for relation in LINKS}


def links_of(article: Article) -> dict[str, list[Link]]:
    """An article's links: read by `read_links`, or else from its (prefetched) relations."""
    links = getattr(article, "links", None)
    if links is None:
        links = {
            relation: [Link(obj.slug, obj.name) for obj in getattr(article, relation).all()]
            for relation in LINKS
        }
    return links


def chunks(
    results: ResultSet, size: int = CHUNK_SIZE, *, links: bool = True
) -> Iterator[list[Article]]:
    """The result set in lists of up to `size` articles, with their `links` when `links`.

    Each chunk costs one query for the articles and, with `links`, one per kind of link.
    """
    sort = results.sort
    if sort == "relevance":
        # The ranking gives no key to resume from, and ranking again for each chunk (OFFSET)
        # costs a full ranking per chunk: rank once, keeping only the ids (8 bytes each).
        ranked = array("q", results.queryset.values_list("id", flat=True).iterator(10_000))
        for start in range(0, len(ranked), size):
            ids = ranked[start : start + size].tolist()
            found = results.filterset.queryset.in_bulk(ids)  # published only, as ranked
            chunk = [found[pk] for pk in ids if pk in found]
            if links and chunk:
                read_links(chunk)
            if chunk:
                yield chunk
        return
    base = ordered(results.filterset.qs, sort)
    last: Article | None = None
    while True:
        page = base if last is None else base.filter(rows_after(sort, last))
        chunk = list(page[:size])
        if links and chunk:
            read_links(chunk)
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        last = chunk[-1]


def iter_articles(results: ResultSet, size: int = CHUNK_SIZE) -> Iterator[Article]:
    for chunk in chunks(results, size):
        yield from chunk


def accessed_today() -> dt.date:
    """The date a citation says the archive was accessed: today, in the site's time zone."""
    return timezone.localdate()
