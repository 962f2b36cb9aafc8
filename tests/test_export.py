"""Downloads of any result set: CSV, JSON and JSON Lines, read back and checked against the
database; drafts never in them; streamed in chunks with a fixed number of queries each."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import results
from archive.models import Article
from tests.conftest import make_article


def _body(response) -> str:
    assert response.streaming, "an export must be streamed"
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def corpus(published_article, draft_article, pcs, tuc):
    older = make_article(
        title="Ballot opens at the Treasury",
        slug="ballot-opens",
        byline="Tony Reay",
        source="Morning Star",
        published_date=dt.date(2010, 5, 1),
        date_precision=Article.Precision.MONTH,
        organisations=[pcs],
    )
    undated = make_article(title="An undated leaflet", slug="undated-leaflet", organisations=[tuc])
    return [published_article, older, undated]


def test_csv_export_has_every_field_and_the_links_of_each_published_article(client, corpus):
    response = client.get("/articles/export.csv?union=pcs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_body(response).lstrip("\ufeff"))))
    expected = Article.objects.published().filter(organisations__slug="pcs").newest_first()
    assert [row["id"] for row in rows] == [str(a.pk) for a in expected]
    first = rows[0]
    article = Article.objects.get(pk=first["id"])
    assert first["title"] == article.title
    assert first["original_checksum_sha256"] == article.original_checksum
    assert first["permanent_url"] == f"http://testserver/a/{article.pk}/"
    assert first["organisations"] == "pcs; tuc"
    assert (
        first["organisations_names"]
        == "Public and Commercial Services Union; Trades Union Congress"
    )
    assert first["people"] == "mark-serwotka"
    assert first["events"] == "public-sector-pensions-strike-2011"
    assert first["published_date"] == "2011-11-30"
    assert rows[1]["published_date"] == "2010-05"
    assert "text" not in first


def test_export_has_the_same_count_as_the_list_page(client, corpus):
    page = client.get("/articles/?union=pcs&year=2010")
    export = client.get("/articles/export.json?union=pcs&year=2010")
    data = json.loads(_body(export))
    assert data["count"] == page.context["page"].paginator.count == len(data["articles"]) == 1
    assert export["X-Result-Count"] == "1"
    assert data["url"] == "http://testserver/articles/?union=pcs&year=2010"


def test_json_lines_export_with_text_reads_back_line_by_line(client, corpus):
    response = client.get("/articles/export.jsonl?text=1")
    lines = [json.loads(line) for line in _body(response).splitlines()]
    published = Article.objects.published()
    assert sorted(r["id"] for r in lines) == sorted(published.values_list("id", flat=True))
    for record in lines:
        article = published.get(pk=record["id"])
        assert record["text"] == article.body_text
        assert record["original_checksum_sha256"] == article.original_checksum
    undated = next(r for r in lines if r["title"] == "An undated leaflet")
    assert undated["published_date"] is None
    assert undated["organisations"] == [{"slug": "tuc", "name": "Trades Union Congress"}]


def test_exports_never_contain_drafts(client, corpus, draft_article):
    for fmt in ("csv", "json", "jsonl", "ris", "bib", "csl.json"):
        body = _body(client.get(f"/articles/export.{fmt}?union=pcs"))
        assert draft_article.title not in body, fmt
        assert draft_article.slug not in body, fmt


def test_export_of_a_search_keeps_the_search(client, corpus):
    data = json.loads(_body(client.get("/articles/export.json?q=ballot")))
    assert [a["slug"] for a in data["articles"]] == ["ballot-opens"]


def test_a_bad_parameter_is_noted_not_an_error(client, corpus):
    data = json.loads(_body(client.get("/articles/export.json?year=abc&union=nobody")))
    assert data["count"] == 3
    assert any("nobody" in note for note in data["notes"])


def test_an_unknown_format_is_not_found(client, corpus):
    assert client.get("/articles/export.xls").status_code == 404


def test_the_list_page_links_to_its_downloads_and_feed(client, corpus):
    html = client.get("/articles/?union=pcs&page=1").content.decode()
    assert 'href="/articles/export.csv?union=pcs"' in html
    assert 'href="/articles/export.jsonl?union=pcs"' in html
    assert 'href="/articles/export.ris?union=pcs"' in html
    assert 'type="application/atom+xml"' in html


@pytest.mark.parametrize("sort", ["newest", "oldest", "relevance"])
def test_chunks_cover_the_result_set_once_in_the_page_order(corpus, sort, article_factory):
    for n in range(7):
        article_factory(
            title=f"Strike day {n}",
            slug=f"strike-day-{n}",
            published_date=dt.date(2012, 1, 1 + n % 3) if n % 4 else None,
        )
    params = {"sort": [sort]}
    if sort == "relevance":
        params["q"] = ["strike"]
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    result_set = results.article_results(query)
    chunked = [a.pk for chunk in results.chunks(result_set, size=2) for a in chunk]
    assert chunked == [a.pk for a in result_set.queryset]
    assert len(chunked) == len(set(chunked)) == result_set.count()


def test_a_large_export_streams_with_a_fixed_number_of_queries_per_chunk(client, pcs):
    Article.objects.bulk_create(
        Article(
            title=f"Article {n}",
            slug=f"article-{n}",
            original=f"Text {n}",
            original_checksum=f"{n:064x}",
            body_text=f"Text {n}",
            status=Article.Status.PUBLISHED,
            published_date=dt.date(2000, 1, 1) + dt.timedelta(days=n % 400),
            year=2000,
        )
        for n in range(1200)
    )
    links = Article.organisations.through
    links.objects.bulk_create(
        links(article_id=pk, organisation_id=pcs.pk)
        for pk in Article.objects.values_list("pk", flat=True)
    )
    response = client.get("/articles/export.jsonl")
    with CaptureQueriesContext(connection) as queries:
        first = next(iter(response.streaming_content))
        assert json.loads(first)["organisations"][0]["slug"] == "pcs"
    first_chunk_queries = len(queries)
    with CaptureQueriesContext(connection) as queries:
        rest = b"".join(response.streaming_content)
    chunk_count = -(-1200 // results.CHUNK_SIZE)
    # One query for the articles and one per kind of link, for each chunk: so memory holds one
    # chunk, and the cost of a row does not grow with the size of the export.
    assert first_chunk_queries == 1 + len(results.LINKS)
    assert len(queries) == (chunk_count - 1) * (1 + len(results.LINKS))
    assert len((first + rest).splitlines()) == 1200


@pytest.mark.parametrize(
    "fmt,target",
    [
        ("csv", "/articles/export.csv?union=pcs"),
        ("jsonl", "/articles/export.jsonl?union=pcs"),
        ("json", "/api/articles/?union=pcs"),
        ("atom", "/articles/feed/?union=pcs"),
    ],
)
def test_the_list_page_with_a_format_sends_the_reader_to_that_format(client, corpus, fmt, target):
    response = client.get(f"/articles/?union=pcs&format={fmt}&page=2")
    assert response.status_code == 302
    assert response["Location"] == target


def test_an_unknown_format_leaves_the_list_page_as_it_is(client, corpus):
    assert client.get("/articles/?format=xls").status_code == 200


def test_chunks_keep_no_earlier_chunk_in_memory(corpus, article_factory):
    import gc
    import weakref

    from django.http import QueryDict

    for n in range(6):
        article_factory(title=f"Strike day {n}", slug=f"strike-day-{n}")
    stream = results.chunks(results.article_results(QueryDict()), size=2)
    first = [weakref.ref(article) for article in next(stream)]
    next(stream)
    next(stream)
    gc.collect()
    assert all(ref() is None for ref in first), "an earlier chunk is still held"
