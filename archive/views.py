"""Public pages. Thin: the article list in listing.py, counts in facets.py and counts.py."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from archive import addresses, citation, counts, facets, page_cache, search
from archive.filters import EventFilter
from archive.listing import ArticleList, articles_in_order, list_url, query_string
from archive.models import (
    Article,
    Event,
    Linked,
    Organisation,
    Person,
    Role,
    published_article,
)

ENTITY_PAGE_ARTICLES = 20


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers (and the benchmark's 100 % line): answers without the database."""
    return HttpResponse("ok", content_type="text/plain")


def _visible_articles(request: HttpRequest) -> QuerySet:
    """Staff see drafts (with a banner); everyone else sees published articles only."""
    if request.user.is_staff:
        return Article.objects.all()
    return Article.objects.published()


ENTITY_RELATIONS = {Organisation: "organisations", Person: "people", Event: "events"}


def _public(request: HttpRequest, index: counts.ArticleIndex) -> Callable[[str, int], bool]:
    """Whether this reader sees an organisation, person or event ("organisations", id): staff
    every one; the public those named in a published article (EntityQuerySet.public), read
    from the count index (which holds exactly the published articles) instead of a
    subquery per list."""
    if request.user.is_staff:
        return lambda relation, pk: True
    return lambda relation, pk: index.count_of(relation, pk) > 0


def _sight(request: HttpRequest, index: counts.ArticleIndex) -> Callable[[Model], bool]:
    """_public, asked of an organisation, person or event itself."""
    public = _public(request, index)
    return lambda entity: public(ENTITY_RELATIONS[type(entity)], entity.pk)


def _list_url(**params: str) -> str:
    return list_url({name: [value] for name, value in params.items()})


@page_cache.for_readers
def home(request: HttpRequest) -> HttpResponse:
    selection = ArticleList({}, base=reverse("archive:article_list"))
    index = selection.index
    context = {
        "latest": articles_in_order(index.newest(index.all, 0, 5)),
        "total": index.n,
        "unions": facets.facet(selection, "union"),
        "histogram": facets.histogram(selection),
    }
    return render(request, "archive/home.html", context)


@page_cache.for_readers
def article_list(request: HttpRequest) -> HttpResponse:
    selection = ArticleList(request.GET)
    page = selection.page(request.GET.get("page", "1"))
    snippets = selection.snippets(page.object_list)
    page_links = selection.page_links(page)
    context = {
        "list": selection,
        "values": selection.values,
        "query": selection.query,
        "page": page,
        "results": [(article, snippets.get(article.pk)) for article in page],
        "page_links": page_links,
        "page_numbers": [link.number for link in page_links],
        "previous_url": page.has_previous() and selection.page_number_url(page.number - 1),
        "next_url": page.has_next() and selection.page_number_url(page.number + 1),
        "page_url": selection.page_url,
        "facets": facets.facets(selection),
        "histogram": facets.histogram(selection),
        "chips": selection.chips,
        "clear_url": selection.clear_url,
        "sorts": selection.sort_links,
        "expansions": selection.expansions,
        "sort": selection.sort,
        "notes": selection.notes,
        "state": selection.state,
        "search_keeps": selection.search_keeps,
    }
    return render(request, "archive/article_list.html", context)


@page_cache.for_readers
def search_help(request: HttpRequest) -> HttpResponse:
    context = {
        "max_terms": search.MAX_TERMS,
        "min_prefix": search.MIN_PREFIX,
        "budget_ms": search.budget_milliseconds(),
    }
    return render(request, "archive/search_help.html", context)


@page_cache.for_readers
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = None if request.user.is_staff else published_article(slug)
    if article is None:  # a draft for an editor, a former address, or nothing
        try:
            article = addresses.find(_visible_articles(request), slug)
        except addresses.Moved as moved:
            return moved.response()
        except Http404:
            return _withdrawn(request, Article.objects.filter(slug=slug))
    linked = article.linked()
    # References cite the permanent address, which no change of slug or merge breaks.
    archive_url = request.build_absolute_uri(article.get_permanent_url())
    today = timezone.localdate()
    context = {
        "article": article,
        "linked": linked,
        "related": _related(article, linked),
        "reference": citation.reference(article, archive_url, today),
        "bibtex": citation.bibtex(article, archive_url, today),
    }
    return render(request, "archive/article_detail.html", context)


def _related(article: Article, linked: Linked, limit: int = 5) -> list[Article]:
    """The published articles sharing most organisations, people and events with this one."""
    return articles_in_order(counts.index().related(linked.ids(), article.pk, limit))


def _kind_groups(organisations) -> list[tuple[str, list[Organisation]]]:
    groups: dict[str, list[Organisation]] = {}
    for org in organisations:
        groups.setdefault(org.get_kind_display(), []).append(org)
    order = [label for _, label in Organisation.Kind.choices]
    return sorted(groups.items(), key=lambda item: order.index(item[0]))


@page_cache.for_readers
def organisation_list(request: HttpRequest) -> HttpResponse:
    index = counts.index()
    sees = _sight(request, index)
    organisations = [org for org in Organisation.objects.order_by("name") if sees(org)]
    for organisation in organisations:
        organisation.article_count = index.count_of("organisations", organisation.pk)
    return render(
        request, "archive/organisation_list.html", {"groups": _kind_groups(organisations)}
    )


@page_cache.for_readers
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    index = counts.index()
    sees = _sight(request, index)
    try:
        organisation = addresses.find(
            Organisation.objects.select_related("parent", "predecessor"), slug, sees
        )
    except addresses.Moved as moved:
        return moved.response()
    parent, predecessor = organisation.parent, organisation.predecessor
    related = organisation.relations()
    parameter = "union" if organisation.is_union else "org"
    members = index.any_of("organisations", [organisation.pk])
    context = {
        "organisation": organisation,
        "parent": parent if parent is not None and sees(parent) else None,
        "predecessor": predecessor if predecessor is not None and sees(predecessor) else None,
        "roles": [role for role in related.roles if sees(role.person)],
        "events": [event for event in related.events if sees(event)],
        "children": [org for org in related.children if sees(org)],
        "successors": [org for org in related.successors if sees(org)],
        "articles": articles_in_order(index.newest(members, 0, ENTITY_PAGE_ARTICLES)),
        "article_count": len(members),
        "list_url": _list_url(**{parameter: organisation.slug}),
        "histogram": facets.histogram_for(index, members, {parameter: [organisation.slug]}),
    }
    return render(request, "archive/organisation_detail.html", context)


@page_cache.for_readers
def person_list(request: HttpRequest) -> HttpResponse:
    index = counts.index()
    sees = _sight(request, index)
    roles = Prefetch("roles", Role.objects.select_related("organisation"))
    people = [p for p in Person.objects.prefetch_related(roles).order_by("name") if sees(p)]
    for person in people:
        person.article_count = index.count_of("people", person.pk)
    return render(request, "archive/person_list.html", {"people": people})


@page_cache.for_readers
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    index = counts.index()
    sees = _sight(request, index)
    try:
        person = addresses.find(Person.objects.all(), slug, sees)
    except addresses.Moved as moved:
        return moved.response()
    members = index.any_of("people", [person.pk])
    roles = [
        role for role in person.roles.select_related("organisation") if sees(role.organisation)
    ]
    context = {
        "person": person,
        "roles": roles,
        "organisations": list(dict.fromkeys(role.organisation for role in roles)),
        "articles": articles_in_order(index.newest(members, 0, ENTITY_PAGE_ARTICLES)),
        "article_count": len(members),
        "list_url": _list_url(person=person.slug),
        "histogram": facets.histogram_for(index, members, {"person": [person.slug]}),
    }
    return render(request, "archive/person_detail.html", context)


@page_cache.for_readers
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    index = counts.index()
    sees = _sight(request, index)
    try:
        event = addresses.find(Event.objects.all(), slug, sees)
    except addresses.Moved as moved:
        return moved.response()
    members = index.any_of("events", [event.pk])
    context = {
        "event": event,
        "organisations": [org for org in event.organisations.order_by("name") if sees(org)],
        "articles": articles_in_order(index.newest(members, 0, ENTITY_PAGE_ARTICLES)),
        "article_count": len(members),
        "list_url": _list_url(event=event.slug),
    }
    return render(request, "archive/event_detail.html", context)


def permanent(request: HttpRequest, prefix: str, pk: str) -> HttpResponse:
    """/a/123/ and its kin: the address that never changes, sent on to the current page.

    A temporary redirect, because where it leads may change (a new slug, a merge)."""
    if prefix == Article.PERMANENT_PREFIX:
        try:
            article = addresses.by_id(_visible_articles(request), int(pk))
        except Http404:
            return _withdrawn(request, Article.objects.filter(pk=pk))
        return redirect(article.get_absolute_url())
    model = {model.PERMANENT_PREFIX: model for model in ENTITY_RELATIONS}[prefix]
    sees = _sight(request, counts.index())
    return redirect(addresses.by_id(model.objects.all(), int(pk), sees).get_absolute_url())


def _withdrawn(request: HttpRequest, articles: QuerySet) -> HttpResponse:
    """410 Gone for an article that was published and then withdrawn (its address stays
    known, and says so); 404 for anything never published here."""
    article = articles.filter(first_published_at__isnull=False).first()
    if article is None:
        raise Http404("No article at this address.")
    return render(request, "archive/withdrawn.html", {"article": article}, status=410)


@page_cache.for_readers
def timeline(request: HttpRequest) -> HttpResponse:
    index = counts.index()
    public = _public(request, index)
    filterset = EventFilter(request.GET, queryset=Event.objects.all())
    chosen = filterset.qs
    events = [e for e in chosen.order_by("start_date", "name") if public("events", e.pk)]
    # Every event's organisations, by name, from one plain query, for the events shown and
    # for the union facet alike (prefetch_related made a related manager per event, a
    # quarter of the page's time; a second query for the facet was a round trip more).
    links = list(
        Event.organisations.through.objects.order_by("organisation__name").values_list(
            "event_id", "organisation_id", "organisation__slug", "organisation__name",
            "organisation__abbreviation", "organisation__kind",
        )
    )  # fmt: skip
    shown = {event.pk for event in events}
    taking_part: dict[int, list[Organisation]] = {}
    for event_id, pk, _slug, name, abbreviation, _kind in links:
        if event_id in shown and public("organisations", pk):
            organisation = Organisation(id=pk, name=name, abbreviation=abbreviation)
            taking_part.setdefault(event_id, []).append(organisation)
    years: dict[int, list[Event]] = {}
    for event in events:
        event.article_count = index.count_of("events", event.pk)
        event.list_url = _list_url(event=event.slug)
        event.shown_organisations = taking_part.get(event.pk, [])
        years.setdefault(event.start_date.year, []).append(event)
    unions = facets.timeline_unions(filterset, public, links)
    context = {
        "years": sorted(years.items()),
        "unions": unions,
        "chosen_names": [union.label for union in unions if union.selected],
        "chosen": filterset.unions,
        "clear_url": query_string({}),
        "notes": filterset.notes,
    }
    return render(request, "archive/timeline.html", context)
