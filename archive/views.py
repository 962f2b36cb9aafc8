"""Public pages. Thin: queries on the querysets, filtering in filters.py, counts in facets.py."""

from __future__ import annotations

import re

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from archive import addresses, citation, facets, search
from archive.filters import SORTS, ArticleFilter, EventFilter
from archive.models import Article, Event, Organisation, Person, Role

PER_PAGE = 20
ENTITY_PAGE_ARTICLES = 20


def _visible_articles(request: HttpRequest) -> QuerySet:
    """Staff see drafts (with a banner); everyone else sees published articles only."""
    if request.user.is_staff:
        return Article.objects.all()
    return Article.objects.published()


def _visible_entities(request: HttpRequest, queryset: QuerySet) -> QuerySet:
    """Staff see every organisation, person and event; the public only those named in a
    published article."""
    if request.user.is_staff:
        return queryset
    return queryset.public()


def _page(request: HttpRequest, queryset: QuerySet, notes: list[str]) -> Page:
    """The requested page; a page number that is not one gives page 1 or the last, with a note."""
    paginator = Paginator(queryset, PER_PAGE)
    raw = request.GET.get("page", "1").strip()
    number = int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) else None
    if number is None or number < 1:
        notes.append(f"“{raw[:20]}” is not a page number; showing page 1.")
        number = 1
    elif number > paginator.num_pages:
        notes.append(f"There is no page {number}; showing the last page.")
        number = paginator.num_pages
    return paginator.page(number)


def _page_numbers(page: Page) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None stands for a gap."""
    last, current = page.paginator.num_pages, page.number
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers: list[int | None] = []
    for n in sorted(w for w in wanted if 1 <= w <= last):
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


def home(request: HttpRequest) -> HttpResponse:
    filterset = ArticleFilter({}, queryset=Article.objects.published())
    state: dict[str, list[str]] = {}
    context = {
        "latest": Article.objects.published().newest_first()[:5],
        "total": Article.objects.published().count(),
        "unions": facets.facet(filterset, state, "union"),
        "histogram": facets.histogram(filterset, state),
    }
    return render(request, "archive/home.html", context)


def article_list(request: HttpRequest) -> HttpResponse:
    filterset = ArticleFilter(request.GET, queryset=Article.objects.published())
    entities = filterset.resolve_entities()
    state = facets.state_from(filterset, request.GET)
    notes = filterset.notes
    page = _page(request, filterset.ordered(), notes)
    query = filterset.search_query
    snippets = search.snippets(query, [article.pk for article in page])
    # Names the search widened to their other names, each with a link to search without.
    expansions = [
        (expansion, facets.replaced(state, q=[search.unexpanded_text(query)]))
        for expansion in search.expansions(query)
    ]
    results = [(article, snippets.get(article.pk)) for article in page]
    chips = facets.chips(filterset, state, entities)
    sort_state = {k: v for k, v in state.items() if k != "sort"}
    sorts = [
        (key, label, facets.replaced(sort_state, sort=[key]), key == filterset.sort)
        for key, label in SORTS.items()
        if key != "relevance" or query
    ]
    context = {
        "filterset": filterset,
        "values": filterset.values,
        "query": query,
        "page": page,
        "results": results,
        "page_numbers": _page_numbers(page),
        "page_url": facets.query_url(state),
        "facets": facets.facets(filterset, state),
        "histogram": facets.histogram(filterset, state),
        "chips": chips,
        "clear_url": facets.query_url({"sort": state["sort"]} if "sort" in state else {}),
        "sorts": sorts,
        "sort": filterset.sort,
        "notes": notes,
        "expansions": expansions,
        "state": state,
        "search_keeps": {k: v for k, v in state.items() if k not in ("q", "sort", "all")},
    }
    return render(request, "archive/article_list.html", context)


def search_help(request: HttpRequest) -> HttpResponse:
    context = {
        "max_terms": search.MAX_TERMS,
        "min_prefix": search.MIN_PREFIX,
        "budget_ms": search.budget_milliseconds(),
    }
    return render(request, "archive/search_help.html", context)


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = addresses.find(
            _visible_articles(request).prefetch_related(
                "organisations", "people", Prefetch("events", Event.objects.order_by("start_date"))
            ),
            slug,
        )
    except addresses.Moved as moved:
        return moved.response()
    # References cite the permanent address, which no change of slug or merge breaks.
    archive_url = request.build_absolute_uri(article.get_permanent_url())
    today = timezone.localdate()
    context = {
        "article": article,
        "related": Article.objects.published().related_to(article),
        "reference": citation.reference(article, archive_url, today),
        "bibtex": citation.bibtex(article, archive_url, today),
    }
    return render(request, "archive/article_detail.html", context)


def _kind_groups(organisations) -> list[tuple[str, list[Organisation]]]:
    groups: dict[str, list[Organisation]] = {}
    for org in organisations:
        groups.setdefault(org.get_kind_display(), []).append(org)
    order = [label for _, label in Organisation.Kind.choices]
    return sorted(groups.items(), key=lambda item: order.index(item[0]))


def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = _visible_entities(
        request, Organisation.objects.with_article_counts().order_by("name")
    )
    return render(
        request, "archive/organisation_list.html", {"groups": _kind_groups(organisations)}
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organisation = addresses.find(
            _visible_entities(
                request, Organisation.objects.select_related("parent", "predecessor")
            ),
            slug,
        )
    except addresses.Moved as moved:
        return moved.response()
    organisations = _visible_entities(request, Organisation.objects.all())
    linked = set(
        organisations.filter(
            pk__in=[organisation.parent_id, organisation.predecessor_id]
        ).values_list("pk", flat=True)
    )
    articles = organisation.articles.published()
    parameter = "union" if organisation.is_union else "org"
    list_url = f"/articles/?{parameter}={organisation.slug}"
    context = {
        "organisation": organisation,
        "parent": organisation.parent if organisation.parent_id in linked else None,
        "predecessor": organisation.predecessor if organisation.predecessor_id in linked else None,
        "roles": Role.objects.filter(
            organisation=organisation,
            person__in=_visible_entities(request, Person.objects.all()),
        ).select_related("person"),
        "events": _visible_entities(request, organisation.events.order_by("start_date")),
        "children": organisations.filter(parent=organisation).order_by("name"),
        "successors": organisations.filter(predecessor=organisation).order_by("name"),
        "articles": articles.newest_first()[:ENTITY_PAGE_ARTICLES],
        "article_count": articles.count(),
        "list_url": list_url,
        "histogram": facets.histogram_for(articles, list_url),
    }
    return render(request, "archive/organisation_detail.html", context)


def person_list(request: HttpRequest) -> HttpResponse:
    people = (
        _visible_entities(request, Person.objects.all())
        .annotate(
            article_count=Count(
                "articles", filter=Q(articles__status=Article.Status.PUBLISHED), distinct=True
            )
        )
        .prefetch_related(Prefetch("roles", Role.objects.select_related("organisation")))
        .order_by("name")
    )
    return render(request, "archive/person_list.html", {"people": people})


def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        person = addresses.find(_visible_entities(request, Person.objects.all()), slug)
    except addresses.Moved as moved:
        return moved.response()
    articles = person.articles.published()
    list_url = f"/articles/?person={person.slug}"
    roles = person.roles.filter(
        organisation__in=_visible_entities(request, Organisation.objects.all())
    ).select_related("organisation")
    context = {
        "person": person,
        "roles": roles,
        "organisations": list(dict.fromkeys(role.organisation for role in roles)),
        "articles": articles.newest_first()[:ENTITY_PAGE_ARTICLES],
        "article_count": articles.count(),
        "list_url": list_url,
        "histogram": facets.histogram_for(articles, list_url),
    }
    return render(request, "archive/person_detail.html", context)


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event = addresses.find(_visible_entities(request, Event.objects.all()), slug)
    except addresses.Moved as moved:
        return moved.response()
    articles = event.articles.published()
    context = {
        "event": event,
        "organisations": _visible_entities(request, event.organisations.order_by("name")),
        "articles": articles.newest_first()[:ENTITY_PAGE_ARTICLES],
        "article_count": articles.count(),
        "list_url": f"/articles/?event={event.slug}",
    }
    return render(request, "archive/event_detail.html", context)


def _permanent_querysets(request: HttpRequest) -> dict[str, QuerySet]:
    return {
        Article.PERMANENT_PREFIX: _visible_articles(request),
        Organisation.PERMANENT_PREFIX: _visible_entities(request, Organisation.objects.all()),
        Person.PERMANENT_PREFIX: _visible_entities(request, Person.objects.all()),
        Event.PERMANENT_PREFIX: _visible_entities(request, Event.objects.all()),
    }


def permanent(request: HttpRequest, prefix: str, pk: str) -> HttpResponse:
    """/a/123/ and its kin: the address that never changes, sent on to the current page.

    A temporary redirect, because where it leads may change (a new slug, a merge)."""
    obj = addresses.by_id(_permanent_querysets(request)[prefix], int(pk))
    return redirect(obj.get_absolute_url())


def timeline(request: HttpRequest) -> HttpResponse:
    filterset = EventFilter(request.GET, queryset=_visible_entities(request, Event.objects.all()))
    events = filterset.qs.prefetch_related("organisations").annotate(
        article_count=Count(
            "articles", filter=Q(articles__status=Article.Status.PUBLISHED), distinct=True
        )
    )
    years: dict[int, list[Event]] = {}
    for event in events.order_by("start_date", "name"):
        years.setdefault(event.start_date.year, []).append(event)
    unions = facets.timeline_unions(filterset)
    context = {
        "years": sorted(years.items()),
        "unions": unions,
        "chosen_names": [union.label for union in unions if union.selected],
        "chosen": filterset.unions,
        "clear_url": facets.query_url({}),
        "notes": filterset.notes,
    }
    return render(request, "archive/timeline.html", context)
