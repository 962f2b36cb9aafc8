"""Citations that reference managers read: Highwire meta tags, RIS and CSL-JSON (one article
and a whole result set) and BibTeX for a result set, each read back and checked."""

import datetime as dt
import json

import pytest
import rispy
from django.utils import timezone
from lxml import html as lxml_html

from archive.models import Article
from tests.conftest import make_article


@pytest.fixture
def corpus(published_article, draft_article, pcs):
    published_article.byline = "Tony Reay"
    published_article.save()
    return [
        published_article,
        make_article(
            title="A leaflet",
            slug="a-leaflet",
            published_date=dt.date(2005, 1, 1),
            date_precision=Article.Precision.YEAR,
            organisations=[pcs],
        ),
    ]


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_article_page_carries_highwire_citation_tags(client, corpus):
    page = lxml_html.fromstring(
        client.get("/articles/civil-servants-strike-over-pensions/").content
    )

    def meta(name):
        return page.xpath(f"//meta[@name='{name}']/@content")

    assert meta("citation_title") == ["Civil servants strike over pensions"]
    assert meta("citation_author") == ["Tony Reay"]
    assert meta("citation_publication_date") == ["2011/11/30"]
    assert meta("citation_journal_title") == ["The Guardian"]
    assert meta("citation_public_url") == [
        f"http://testserver/a/{Article.objects.get(slug='civil-servants-strike-over-pensions').pk}/"
    ]
    leaflet = lxml_html.fromstring(client.get("/articles/a-leaflet/").content)
    assert leaflet.xpath("//meta[@name='citation_publication_date']/@content") == ["2005"]


def test_ris_of_an_article_reads_back_with_its_fields(client, corpus):
    response = client.get("/articles/civil-servants-strike-over-pensions/cite.ris")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    (entry,) = rispy.loads(_body(response))
    assert entry["type_of_reference"] == "NEWS"
    assert entry["title"] == "Civil servants strike over pensions"
    assert entry["authors"] == ["Reay, Tony"]
    assert entry["secondary_title"] == "The Guardian"
    assert entry["year"] == "2011"
    assert entry["date"] == "2011/11/30/"
    guardian = Article.objects.get(slug="civil-servants-strike-over-pensions")
    assert f"http://testserver/a/{guardian.pk}/" in entry["urls"]
    assert entry["access_date"] == timezone.localdate().isoformat()
    assert "Public and Commercial Services Union" in entry["keywords"]


def test_csl_json_of_an_article_reads_back_with_its_fields(client, corpus):
    (item,) = json.loads(_body(client.get("/articles/a-leaflet/cite.csl.json")))
    assert item["type"] == "webpage"
    assert item["title"] == "A leaflet"
    assert item["issued"] == {"date-parts": [[2005]]}
    leaflet = Article.objects.get(slug="a-leaflet")
    assert item["URL"] == f"http://testserver/a/{leaflet.pk}/"
    (guardian,) = json.loads(
        _body(client.get("/articles/civil-servants-strike-over-pensions/cite.csl.json"))
    )
    assert guardian["type"] == "article-newspaper"
    assert guardian["author"] == [{"family": "Reay", "given": "Tony"}]
    assert guardian["container-title"] == "The Guardian"
    assert guardian["issued"] == {"date-parts": [[2011, 11, 30]]}


def test_draft_has_no_citation_file(client, corpus, draft_article):
    for fmt in ("ris", "bib", "csl.json"):
        assert client.get(f"/articles/{draft_article.slug}/cite.{fmt}").status_code == 404


def test_result_set_ris_and_csl_json_hold_every_article_of_the_set(client, corpus):
    expected = [a.title for a in Article.objects.published().filter(organisations__slug="pcs")]
    entries = rispy.loads(_body(client.get("/articles/export.ris?union=pcs")))
    assert sorted(e["title"] for e in entries) == sorted(expected)
    items = json.loads(_body(client.get("/articles/export.csl.json?union=pcs")))
    assert sorted(i["title"] for i in items) == sorted(expected)
    assert len({i["id"] for i in items}) == len(items)


def test_result_set_bibtex_has_one_entry_per_article(client, corpus):
    body = _body(client.get("/articles/export.bib?union=pcs"))
    assert body.count("\n@") + body.startswith("@") == 2
    assert "title = {Civil servants strike over pensions}" in body
    assert "title = {A leaflet}" in body


def test_list_page_cites_the_search_with_its_address_count_and_date(client, corpus):
    page = lxml_html.fromstring(client.get("/articles/?union=pcs&page=1").content)
    (text,) = page.xpath("//*[@id='cite-search-text']")
    cited = " ".join(text.text_content().split())
    assert "http://testserver/articles/?union=pcs" in cited
    assert "page=" not in cited
    assert "(2 articles)" in cited
    assert f"accessed {timezone.localdate():%-d %B %Y}" in cited
    assert "Articles: PCS" in cited
