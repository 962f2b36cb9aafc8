"""The read-only JSON API: the list page's filters and counts, cursors, entities, the schema and
its docs page, and the rules: GET only, CORS open, throttled with a JSON 429, no drafts."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import override_settings

from archive.models import Article
from tests.conftest import make_article


@pytest.fixture
def corpus(published_article, draft_article, pcs, tuc):
    for n in range(5):
        make_article(
            title=f"Ballot {n}",
            slug=f"ballot-{n}",
            published_date=dt.date(2010, 1 + n, 1) if n != 2 else None,
            organisations=[pcs],
        )
    return published_article


def _all_pages(client, url):
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        seen += [row["slug"] for row in data["results"]]
        url = data["next"]
        pages += 1
    return seen, pages


def test_article_list_has_the_list_pages_count_facets_and_order(client, corpus):
    data = client.get("/api/articles/?union=pcs").json()
    page = client.get("/articles/?union=pcs")
    assert data["count"] == page.context["page"].paginator.count == 6
    expected = Article.objects.published().filter(organisations__slug="pcs").newest_first()
    assert [r["slug"] for r in data["results"]] == [a.slug for a in expected]
    unions = {v["value"]: v for v in data["facets"]["union"]}
    assert unions["pcs"]["count"] == 6 and unions["pcs"]["selected"]
    first = data["results"][0]
    # The permanent address by id, which no new slug or merge breaks.
    assert first["permanent_url"] == f"http://testserver/a/{corpus.pk}/"
    assert first["original_checksum_sha256"] == corpus.original_checksum
    assert {"slug": "mark-serwotka", "name": "Mark Serwotka"} in first["people"]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_cursor_pagination_visits_every_article_once_in_order(client, corpus, sort):
    seen, pages = _all_pages(client, f"/api/articles/?sort={sort}&limit=2")
    expected = client.get(f"/api/articles/?sort={sort}&limit=100").json()["results"]
    assert seen == [row["slug"] for row in expected]
    assert len(seen) == len(set(seen)) == Article.objects.published().count()
    assert pages == 3


def test_cursor_pagination_of_a_search(client, corpus):
    seen, _ = _all_pages(client, "/api/articles/?q=ballot&limit=2")
    assert sorted(seen) == [f"ballot-{n}" for n in range(5)]


def test_bad_cursor_and_limit_are_json_400s(client, corpus):
    for url in ("/api/articles/?cursor=!!!", "/api/articles/?limit=0", "/api/articles/?limit=x"):
        response = client.get(url)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


def test_bad_filter_values_are_notes_not_errors(client, corpus):
    data = client.get("/api/articles/?year=abc&union=nobody").json()
    assert data["count"] == 6
    assert any("nobody" in note for note in data["notes"])


def test_one_article_has_body_links_and_provenance(client, corpus):
    data = client.get("/api/articles/civil-servants-strike-over-pensions/").json()
    assert data["body_html"] == corpus.body_html
    assert data["body_text"] == corpus.body_text
    assert data["provenance"]["original_checksum_sha256"] == corpus.original_checksum
    assert data["organisations"][0]["url"].startswith("http://testserver/o/")
    assert data["events"][0]["slug"] == "public-sector-pensions-strike-2011"
    person = data["people"][0]
    assert client.get(person["api_url"]).json()["name"] == "Mark Serwotka"


def test_drafts_are_never_visible_even_to_editors(editor_client, corpus, draft_article):
    response = editor_client.get(f"/api/articles/{draft_article.slug}/")
    assert response.status_code == 404
    assert response.json()["detail"]
    slugs = [r["slug"] for r in editor_client.get("/api/articles/?limit=100").json()["results"]]
    assert draft_article.slug not in slugs
    pcs = editor_client.get("/api/organisations/pcs/").json()
    assert pcs["article_count"] == 6


def test_entities_people_with_roles_and_events(client, corpus):
    orgs, _ = _all_pages(client, "/api/organisations/?limit=1")
    assert orgs == ["pcs", "tuc"]
    person = client.get("/api/people/mark-serwotka/").json()
    assert person["roles"][0]["title"] == "general secretary"
    assert person["roles"][0]["organisation"]["slug"] == "pcs"
    assert person["article_count"] == 1
    assert person["articles_url"] == "http://testserver/api/articles/?person=mark-serwotka"
    articles = client.get(person["articles_url"]).json()
    assert articles["count"] == 1
    pcs = client.get("/api/organisations/pcs/").json()
    assert pcs["articles_url"].endswith("/api/articles/?union=pcs")
    events = client.get("/api/events/").json()["results"]
    assert events[0]["slug"] == "public-sector-pensions-strike-2011"
    assert {o["slug"] for o in events[0]["organisations"]} == {"pcs", "tuc"}


def test_reads_only_with_json_errors(client, corpus):
    response = client.post("/api/articles/", {"title": "x"})
    assert response.status_code == 405
    assert response.json()["detail"]
    missing = client.get("/api/nothing-here/")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"


def test_cors_is_open_for_reads(client, corpus):
    response = client.get("/api/articles/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"


@override_settings(ARCHIVE_API_RATE="3/minute")
def test_a_client_over_its_rate_gets_a_clear_json_429(client, corpus):
    cache.clear()
    for _ in range(3):
        assert client.get("/api/articles/").status_code == 200
    response = client.get("/api/articles/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many requests" in response.json()["detail"]
    other = client.get("/api/articles/", REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200
    cache.clear()


def test_schema_and_docs_page_are_served_by_the_site(client, db):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/articles/" in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/api/articles/"]["get"]["parameters"]}
    assert {"q", "union", "person", "from", "to", "cursor"} <= names
    assert set(spec["paths"]["/api/articles/"]) == {"get"}
    docs = client.get("/api/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200
    assert (
        "<script>" not in html
        and "<style" not in html
        and "http" not in html.split("<body>")[0].replace("http-equiv", "")
    )
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_article_list_queries_do_not_grow_with_the_page_size(client, corpus, article_factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(30):
        article_factory(title=f"Report {n}", slug=f"report-{n}")

    client.get("/api/articles/")  # the first request after the writes builds the count index

    def queries(url):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries("/api/articles/?union=pcs&limit=2") == queries(
        "/api/articles/?union=pcs&limit=100"
    )
    assert queries("/api/articles/?limit=2") == queries("/api/articles/?limit=100")


def test_the_openapi_schema_is_valid_and_complete(db):
    from django.core.management import call_command

    # --fail-on-warn: every field and parameter has a type, every operation a unique id.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_entities_named_only_in_drafts_are_not_in_the_api(client, corpus, treasury):
    make_article(
        title="Draft about the Treasury",
        slug="draft-about-the-treasury",
        status=Article.Status.DRAFT,
        organisations=[treasury],
    )
    slugs = [o["slug"] for o in client.get("/api/organisations/?limit=100").json()["results"]]
    assert "hm-treasury" not in slugs and "pcs" in slugs
    assert client.get("/api/organisations/hm-treasury/").status_code == 404
