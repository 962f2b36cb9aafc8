"""Atom feeds for any article list URL and for each entity's articles, read back with lxml."""

import datetime as dt

import pytest
from lxml import etree

from archive.models import Article
from tests.conftest import make_article

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return etree.fromstring(response.content)


@pytest.fixture
def corpus(published_article, draft_article, pcs):
    make_article(
        title="Ballot opens at the Treasury",
        slug="ballot-opens",
        published_date=dt.date(2010, 5, 1),
        organisations=[pcs],
    )
    make_article(title="Newest of all", slug="newest", published_date=dt.date(2020, 1, 1))


def test_feed_of_a_union_lists_its_published_articles_newest_first(client, corpus):
    feed = _feed(client, "/articles/feed/?union=pcs")
    titles = feed.xpath("//a:entry/a:title/text()", namespaces=ATOM)
    expected = Article.objects.published().filter(organisations__slug="pcs").order_by("-id")
    assert titles == [a.title for a in expected]
    assert "Unpublished ballot result" not in titles
    assert feed.xpath("/a:feed/a:title/text()", namespaces=ATOM)[0].startswith("Articles: PCS")
    links = feed.xpath("//a:entry/a:link/@href", namespaces=ATOM)
    assert links[0] == f"http://testserver/a/{expected[0].pk}/"


def test_feed_of_a_search_keeps_the_search(client, corpus):
    feed = _feed(client, "/articles/feed/?q=ballot")
    assert feed.xpath("//a:entry/a:title/text()", namespaces=ATOM) == [
        "Ballot opens at the Treasury"
    ]


def test_feed_of_everything_has_no_drafts(client, corpus):
    feed = _feed(client, "/articles/feed/")
    titles = feed.xpath("//a:entry/a:title/text()", namespaces=ATOM)
    assert titles[0] == "Newest of all"
    assert len(titles) == Article.objects.published().count()
    assert "Unpublished ballot result" not in titles


def test_an_old_article_added_today_comes_first_with_its_own_date(client, corpus, pcs):
    make_article(
        title="A 1984 leaflet, just archived",
        slug="leaflet-1984",
        published_date=dt.date(1984, 3, 12),
        organisations=[pcs],
    )
    feed = _feed(client, "/articles/feed/?union=pcs")
    (first,) = feed.xpath("//a:entry[1]", namespaces=ATOM)
    assert first.findtext("a:title", namespaces=ATOM) == "A 1984 leaflet, just archived"
    assert first.findtext("a:published", namespaces=ATOM).startswith("1984-03-12")


def test_a_draft_published_later_counts_as_added_when_published(client, corpus, draft_article):
    draft_article.status = Article.Status.PUBLISHED
    draft_article.save()
    feed = _feed(client, "/articles/feed/?union=pcs")
    titles = feed.xpath("//a:entry/a:title/text()", namespaces=ATOM)
    assert titles[0] == draft_article.title


def test_list_page_head_names_the_feed_of_what_it_shows(client, corpus):
    html = client.get("/articles/?union=pcs&q=ballot&page=1").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Articles: ballot, PCS (Atom)"'
        ' href="/articles/feed/?q=ballot&amp;union=pcs">'
    ) in html


@pytest.mark.parametrize(
    "page,feed_url",
    [
        ("/organisations/pcs/", "/articles/feed/?union=pcs"),
        ("/people/mark-serwotka/", "/articles/feed/?person=mark-serwotka"),
        (
            "/events/public-sector-pensions-strike-2011/",
            "/articles/feed/?event=public-sector-pensions-strike-2011",
        ),
    ],
)
def test_entity_pages_offer_the_feed_of_their_articles(client, corpus, page, feed_url):
    html = client.get(page).content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert f'href="{feed_url}"' in html
    feed = _feed(client, feed_url)
    assert "Civil servants strike over pensions" in feed.xpath(
        "//a:entry/a:title/text()", namespaces=ATOM
    )


def test_home_page_names_the_feed_of_all_articles(client, corpus):
    html = client.get("/").content.decode()
    assert 'rel="alternate" type="application/atom+xml" title="New articles (Atom)"' in html
    assert 'href="/articles/feed/"' in html


def test_an_entry_without_byline_or_source_has_no_empty_author(client, db):
    make_article(title="An unsigned leaflet", slug="an-unsigned-leaflet", byline="", source="")
    feed = _feed(client, "/articles/feed/")
    (entry,) = feed.xpath("//a:entry", namespaces=ATOM)
    assert not entry.xpath("a:author", namespaces=ATOM)
