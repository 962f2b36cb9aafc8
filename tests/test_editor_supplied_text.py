"""What the source said, and what the archive's editors added: a supplied title or summary is
marked, shown in [square brackets] and not cited as the source's."""

import datetime as dt
import json

import pytest
import rispy
from lxml import etree, html

from archive import citation
from archive.models import Article
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
DC = {"dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture
def untitled():
    return make_article(
        title="Pensions strike called",
        title_supplied=True,
        slug="untitled",
        standfirst="Civil servants are to walk out.",
        standfirst_supplied=True,
        source="Britannia Radio",
        published_date=dt.date(2011, 11, 1),
    )


def test_supplied_title_and_summary_are_shown_in_square_brackets(client, untitled):
    page = client.get(untitled.get_absolute_url()).content.decode()
    assert '<h1 id="article-title">[Pensions strike called]</h1>' in page
    assert "[Civil servants are to walk out.]" in page
    assert "written by the archive's editors" in page
    listing = client.get("/articles/").content.decode()
    assert "[Pensions strike called]</a>" in listing
    assert "[Civil servants are to walk out.]" in listing


def test_a_supplied_title_is_not_cited_as_the_sources(untitled):
    reference = citation.reference(untitled, "http://x/a/1/", dt.date(2026, 1, 1))
    assert "[Pensions strike called]." in reference and "“" not in reference
    entry = citation.bibtex(untitled, "http://x/a/1/", dt.date(2026, 1, 1))
    assert "  title = " not in entry
    assert "note = {Title supplied by the archive: [Pensions strike called]}" in entry


def test_a_sources_own_title_is_cited_as_before(published_article):
    entry = citation.bibtex(published_article, "http://x/a/1/", dt.date(2026, 1, 1))
    assert "title = {Civil servants strike over pensions}" in entry
    assert "[" not in citation.reference(published_article, "http://x/a/1/", dt.date(2026, 1, 1))


def test_the_demo_marks_the_editors_titles_and_summaries(demo_corpus):
    supplied = {
        a.original_filename[:3]: (a.title_supplied, a.standfirst_supplied)
        for a in Article.objects.all()
    }
    assert supplied == {
        "000": (False, False),
        "001": (True, True),
        "002": (False, True),
        "003": (True, True),
        "004": (False, False),
    }


def test_editors_mark_supplied_text_in_the_admin(editor_client, published_article):
    from tests.admin_forms import change_url, form_data

    data = form_data(editor_client.get(change_url(published_article)))
    data["title_supplied"] = "on"
    assert editor_client.post(change_url(published_article), data).status_code == 302
    published_article.refresh_from_db()
    assert published_article.title_supplied


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_citation_format_marks_a_supplied_title_and_leaves_out_a_supplied_summary(
    client, untitled
):
    base = untitled.get_absolute_url()
    (ris,) = rispy.loads(_body(client.get(base + "cite.ris")).decode())
    assert ris["title"] == "[Pensions strike called]" and "abstract" not in ris
    (csl,) = json.loads(_body(client.get(base + "cite.csl.json")))
    assert csl["title"] == "[Pensions strike called]" and "abstract" not in csl
    page = html.fromstring(client.get(base).content)
    assert page.xpath("//meta[@name='citation_title']/@content") == ["[Pensions strike called]"]
    assert not page.xpath("//meta[@name='citation_abstract']")
    listed = etree.fromstring(
        client.get("/oai/", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}).content
    )
    assert listed.xpath("//dc:title/text()", namespaces=DC) == ["[Pensions strike called]"]
    assert not listed.xpath("//dc:description", namespaces=DC)
    (row,) = json.loads(_body(client.get("/articles/export.json")))["articles"]
    assert row["title_supplied"] is True and row["standfirst_supplied"] is True
