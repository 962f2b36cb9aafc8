"""The read-only JSON API at /api/ (Django REST framework, documented by drf-spectacular).

- Reads only: GET, HEAD and OPTIONS; anything else is a 405 in JSON.
- Anonymous only: no session or login is read, so an editor's browser sees what everyone
  sees, and drafts are never visible (every article comes from `published()`).
- Open to other sites' scripts (CORS `*`), throttled per client (`ARCHIVE_API_RATE`, on the
  shared cache) with a JSON 429 and a Retry-After header.
- The article list takes the list page's parameters (q, union, org, person, event, source,
  year, month, from, to, sort) through the same adapter (`results.article_results`), and
  answers with the same count, notes and facet counts as the page, a page of results and a
  cursor for the next page.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.export import article_record
from archive.models import Article, Event, Organisation, Person, Role
from archive.results import (
    ResultSet,
    article_results,
    ordered,
    permanent_url,
    read_links,
    rows_after,
    with_links,
)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_ID = 2**63 - 1  # the largest id a database integer holds
MAX_OFFSET = 10**9


class ReadOnlyAPIView(APIView):
    """GET only, open to every origin."""

    http_method_names = ["get", "head", "options"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Expose-Headers"] = "Retry-After"
        return response


# -- serializers (shapes of the answers, for the schema too) ---------------------------------


class LinkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ArticleSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    permanent_url = serializers.URLField()
    api_url = serializers.URLField()
    title = serializers.CharField()
    title_supplied = serializers.BooleanField(
        help_text="True when the archive's editors wrote the title (the source printed none)."
    )
    standfirst = serializers.CharField()
    standfirst_supplied = serializers.BooleanField(
        help_text="True when the archive's editors wrote the summary."
    )
    byline = serializers.CharField()
    source = serializers.CharField()
    published_date = serializers.CharField(
        allow_null=True, help_text="At its precision: 2005, 2011-11 or 2011-01-28."
    )
    date_precision = serializers.ChoiceField(choices=Article.Precision.choices)
    original_url = serializers.CharField()
    original_format = serializers.CharField()
    original_checksum_sha256 = serializers.CharField()
    original_encoding = serializers.CharField()
    original_filename = serializers.CharField()
    word_count = serializers.IntegerField()
    imported_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    organisations = LinkSerializer(many=True)
    people = LinkSerializer(many=True)
    events = LinkSerializer(many=True)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class ArticleListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    title = serializers.CharField()
    page_url = serializers.URLField(help_text="The reading room's page of this result set.")
    notes = serializers.ListField(child=serializers.CharField())
    facets = serializers.DictField(child=FacetValueSerializer(many=True))
    next = serializers.URLField(allow_null=True)
    results = ArticleSummarySerializer(many=True)


class ArticleDetailSerializer(ArticleSummarySerializer):
    body_html = serializers.CharField(help_text="Clean HTML, made by the archive's sanitiser.")
    body_text = serializers.CharField()
    provenance = serializers.DictField()


def _summary(article: Article, request) -> dict:
    record = article_record(article, request)
    record["api_url"] = request.build_absolute_uri(
        reverse("api:article", kwargs={"slug": article.slug})
    )
    return record


# -- articles --------------------------------------------------------------------------------


def _encode_cursor(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _decode_cursor(raw: str) -> dict:
    try:
        padded = raw + "=" * (-len(raw) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(data, dict):
            raise ValueError
        return data
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise exceptions.ParseError("The cursor is not one this API gave out.") from None


def _limit(request) -> int:
    raw = request.query_params.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise exceptions.ParseError(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def _page(results: ResultSet, cursor: dict | None, limit: int) -> tuple[list[Article], dict | None]:
    """One page of the result set after `cursor`, and the cursor of the next page (or None)."""
    sort = results.sort
    if sort == "relevance":
        offset = cursor.get("o", 0) if cursor else 0
        if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
            raise exceptions.ParseError("The cursor is not one this API gave out.")
        rows = list(results.queryset[offset : offset + limit + 1])
        read_links(rows)
        more = len(rows) > limit
        return rows[:limit], ({"s": sort, "o": offset + limit} if more else None)
    base = ordered(results.filterset.qs, sort)
    if cursor:
        try:
            pk = cursor["i"]
            if not isinstance(pk, int) or not 0 <= pk <= MAX_ID:
                raise ValueError
            last = Article(
                pk=pk,
                published_date=dt.date.fromisoformat(cursor["d"]) if cursor.get("d") else None,
            )
        except (KeyError, TypeError, ValueError):
            raise exceptions.ParseError("The cursor is not one this API gave out.") from None
        base = base.filter(rows_after(sort, last))
    rows = list(base[: limit + 1])
    read_links(rows)
    more = len(rows) > limit
    rows = rows[:limit]
    if not more:
        return rows, None
    last = rows[-1]
    date = last.published_date.isoformat() if last.published_date else None
    return rows, {"s": sort, "d": date, "i": last.pk}


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description='Search words, "exact phrases", OR, -word, word*.'),
    OpenApiParameter("union", str, many=True, description="Union or federation slug."),
    OpenApiParameter("org", str, many=True, description="Organisation slug, any kind."),
    OpenApiParameter("person", str, many=True, description="Person slug."),
    OpenApiParameter("event", str, many=True, description="Event slug."),
    OpenApiParameter("source", str, many=True, description="Source publication."),
    OpenApiParameter("year", int, many=True, description="Four-digit year."),
    OpenApiParameter("month", int, many=True, description="1-12, within one chosen year."),
    OpenApiParameter("from", str, description="YYYY, YYYY-MM or YYYY-MM-DD."),
    OpenApiParameter("to", str, description="YYYY, YYYY-MM or YYYY-MM-DD."),
    OpenApiParameter("sort", str, enum=["newest", "oldest", "relevance"]),
    OpenApiParameter("cursor", str, description="The `next` link's cursor."),
    OpenApiParameter("limit", int, description=f"Articles a page, 1-{MAX_LIMIT}."),
]


class ArticleList(ReadOnlyAPIView):
    """Published articles, filtered with the reading room's list parameters."""

    @extend_schema(
        operation_id="articles_list", parameters=FILTER_PARAMETERS, responses=ArticleListSerializer
    )
    def get(self, request):
        results = article_results(request.query_params)
        raw_cursor = request.query_params.get("cursor")
        cursor = _decode_cursor(raw_cursor) if raw_cursor else None
        if cursor and cursor.get("s") != results.sort:
            raise exceptions.ParseError("The cursor belongs to another sort order.")
        rows, next_cursor = _page(results, cursor, _limit(request))
        next_url = None
        if next_cursor:
            params = request.query_params.copy()
            params["cursor"] = _encode_cursor(next_cursor)
            next_url = request.build_absolute_uri(request.path + "?" + params.urlencode())
        return Response(
            {
                "count": results.count(),
                "title": results.describe(),
                "page_url": results.list_url(request),
                "notes": results.notes,
                "facets": results.facet_counts(),
                "next": next_url,
                "results": [_summary(article, request) for article in rows],
            }
        )


class ArticleDetail(ReadOnlyAPIView):
    """One published article: metadata, clean body, links and provenance."""

    @extend_schema(responses=ArticleDetailSerializer)
    def get(self, request, slug: str):
        article = get_object_or_404(with_links(Article.objects.published()), slug=slug)
        data = _summary(article, request)
        data["body_html"] = article.body_html
        data["body_text"] = article.body_text
        for relation, name in (
            ("organisations", "api:organisation"),
            ("people", "api:person"),
            ("events", "api:event"),
        ):
            for link, obj in zip(data[relation], getattr(article, relation).all(), strict=True):
                link["url"] = permanent_url(obj, request)
                link["api_url"] = request.build_absolute_uri(
                    reverse(name, kwargs={"slug": obj.slug})
                )
        data["provenance"] = {
            "source": article.source,
            "original_url": article.url,
            "original_format": article.original_format,
            "original_checksum_sha256": article.original_checksum,
            "original_encoding": article.original_encoding,
            "original_filename": article.original_filename,
            "imported_at": article.imported_at.isoformat() if article.imported_at else None,
            # The words the date was inferred from, when the original states none.
            "date_inferred_from": article.date_inferred_from,
            "body_made_by": "the archive's HTML sanitiser, from the original as received",
        }
        return Response(data)


# -- organisations, people, events -----------------------------------------------------------


def _published_count(relation: str = "articles"):
    return Count(relation, filter=Q(**{f"{relation}__status": "published"}), distinct=True)


class EntityPagination(CursorPagination):
    ordering = "slug"
    page_size = DEFAULT_LIMIT
    page_size_query_param = "limit"
    max_page_size = MAX_LIMIT


@extend_schema_field(OpenApiTypes.URI)
class _EntityURLField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return permanent_url(obj, self.context["request"])


@extend_schema_field(OpenApiTypes.URI)
class _ArticlesURLField(serializers.Field):
    """The API's article list of what links to this organisation, person or event."""

    def __init__(self, parameter: str | None = None, **kwargs):
        self.parameter = parameter
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        parameter = self.parameter or ("union" if obj.is_union else "org")
        path = reverse("api:article_list") + f"?{parameter}={obj.slug}"
        return self.context["request"].build_absolute_uri(path)


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "abbreviation"]


class OrganisationSerializer(serializers.ModelSerializer):
    url = _EntityURLField()
    articles_url = _ArticlesURLField()
    parent = OrganisationRefSerializer(read_only=True)
    predecessor = OrganisationRefSerializer(read_only=True)
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField())
    article_count = serializers.IntegerField(help_text="Published articles.")

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "abbreviation",
            "kind",
            "aliases",
            "description",
            "parent",
            "predecessor",
            "url",
            "article_count",
            "articles_url",
        ]


class RoleSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = Role
        fields = ["title", "organisation", "start_date", "end_date"]


class PersonSerializer(serializers.ModelSerializer):
    url = _EntityURLField()
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField())
    roles = RoleSerializer(many=True, read_only=True)
    article_count = serializers.IntegerField(help_text="Published articles.")
    articles_url = _ArticlesURLField("person")

    class Meta:
        model = Person
        fields = [
            "slug",
            "name",
            "aliases",
            "description",
            "roles",
            "url",
            "article_count",
            "articles_url",
        ]


class EventSerializer(serializers.ModelSerializer):
    url = _EntityURLField()
    organisations = OrganisationRefSerializer(many=True, read_only=True)
    article_count = serializers.IntegerField(help_text="Published articles.")
    articles_url = _ArticlesURLField("event")

    class Meta:
        model = Event
        fields = [
            "slug",
            "name",
            "kind",
            "start_date",
            "end_date",
            "location",
            "description",
            "organisations",
            "url",
            "article_count",
            "articles_url",
        ]


class _EntityList(ReadOnlyAPIView, generics.ListAPIView):
    pagination_class = EntityPagination


class _EntityDetail(ReadOnlyAPIView, generics.RetrieveAPIView):
    lookup_field = "slug"


def _organisations():
    # Only what the public may see: those named in a published article.
    return (
        Organisation.objects.public()
        .select_related("parent", "predecessor")
        .annotate(article_count=_published_count())
    )


def _people():
    roles = Prefetch(
        "roles",
        Role.objects.filter(organisation__in=Organisation.objects.public()).select_related(
            "organisation"
        ),
    )
    return (
        Person.objects.public().prefetch_related(roles).annotate(article_count=_published_count())
    )


def _events():
    return (
        Event.objects.public()
        .prefetch_related("organisations")
        .annotate(article_count=_published_count())
    )


class OrganisationList(_EntityList):
    """Organisations (unions, federations, employers…), by slug."""

    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return _organisations()


class OrganisationDetail(_EntityDetail):
    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return _organisations()


class PersonList(_EntityList):
    """People, with the posts they held."""

    serializer_class = PersonSerializer

    def get_queryset(self):
        return _people()


class PersonDetail(_EntityDetail):
    serializer_class = PersonSerializer

    def get_queryset(self):
        return _people()


class EventList(_EntityList):
    """Strikes, ballots, marches and other events."""

    serializer_class = EventSerializer

    def get_queryset(self):
        return _events()


class EventDetail(_EntityDetail):
    serializer_class = EventSerializer

    def get_queryset(self):
        return _events()


class Root(ReadOnlyAPIView):
    """What the API offers."""

    @extend_schema(
        responses=inline_serializer("Root", {"endpoints": serializers.DictField()}),
    )
    def get(self, request):
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "name": "Reading Room API",
                "endpoints": {
                    "articles": url("api:article_list"),
                    "organisations": url("api:organisation_list"),
                    "people": url("api:person_list"),
                    "events": url("api:event_list"),
                },
                "schema": url("api-schema"),
                "docs": url("api-docs"),
            }
        )


def not_found(request, rest: str = "") -> JsonResponse:
    """Any other address under /api/: a 404 in JSON, like every other error here."""
    reply = JsonResponse({"detail": f"No API endpoint at {request.path[:200]}."}, status=404)
    reply["Access-Control-Allow-Origin"] = "*"
    return reply


def exception_handler(exc, context):
    """DRF's JSON errors, with a sentence for a 404 and for a throttled client."""
    from rest_framework.views import exception_handler as drf_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Nothing published at this address.")
    if isinstance(exc, exceptions.Throttled):
        wait = exc.wait
        exc.detail = (
            "Too many requests from this client: "
            f"try again in {int(wait) + 1 if wait else 'a few'} seconds."
        )
    response = drf_handler(exc, context)
    if response is not None:
        response.data = {"status": response.status_code, **response.data}
    return response
