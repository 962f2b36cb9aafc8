"""sitemap.xml (an index of per-section sitemaps, split past the protocol's 50,000 URLs) and
robots.txt naming it, read back with lxml; drafts never listed."""

from lxml import etree

from archive import sitemaps
from tests.conftest import make_article

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return etree.fromstring(b"".join(response) if response.streaming else response.content)


def _all_urls(client):
    index = _xml(client, "/sitemap.xml")
    urls = []
    for location in index.xpath("//s:sitemap/s:loc/text()", namespaces=NS):
        section = _xml(client, location.replace("http://testserver", ""))
        urls += section.xpath("//s:url/s:loc/text()", namespaces=NS)
    return index, urls


def test_sitemap_lists_published_articles_and_every_entity(
    client, published_article, draft_article, pcs, tuc, serwotka, n30
):
    _, urls = _all_urls(client)
    assert f"http://testserver/articles/{published_article.slug}/" in urls
    assert f"http://testserver/articles/{draft_article.slug}/" not in urls
    for path in (
        "/organisations/pcs/",
        "/organisations/tuc/",
        "/people/mark-serwotka/",
        f"/events/{n30.slug}/",
    ):
        assert "http://testserver" + path in urls
    assert len(urls) == len(set(urls)) == 5


def test_sitemap_is_split_into_pages_past_the_limit(client, db, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    for n in range(5):
        make_article(title=f"Report {n}", slug=f"report-{n}")
    index, urls = _all_urls(client)
    pages = [
        loc for loc in index.xpath("//s:sitemap/s:loc/text()", namespaces=NS) if "articles" in loc
    ]
    assert len(pages) == 3
    assert sorted(u for u in urls if "/articles/" in u) == sorted(
        f"http://testserver/articles/report-{n}/" for n in range(5)
    )


def test_robots_txt_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_an_organisation_named_only_in_drafts_is_not_in_the_sitemap(
    client, published_article, treasury
):
    make_article(
        title="Draft about the Treasury",
        slug="draft-about-the-treasury",
        status="draft",
        organisations=[treasury],
    )
    _, urls = _all_urls(client)
    assert "http://testserver/organisations/hm-treasury/" not in urls
    assert "http://testserver/organisations/pcs/" in urls
