import pytest

pytestmark = pytest.mark.django_db


def test_home_lists_published_articles_only(client, published_article, draft_article):
    page = client.get("/").content.decode()
    assert published_article.title in page
    assert draft_article.title not in page


def test_article_page_renders_the_stored_clean_body_with_metadata_and_links(
    client, published_article
):
    response = client.get(published_article.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert published_article.body_html in page
    assert "30 November 2011" in page and "The Guardian" in page
    assert 'href="/organisations/pcs/"' in page
    assert 'href="/people/mark-serwotka/"' in page
    assert 'href="/events/public-sector-pensions-strike-2011/"' in page


def test_drafts_are_404_to_the_public(client, draft_article):
    assert client.get(draft_article.get_absolute_url()).status_code == 404


def test_staff_see_drafts_with_a_draft_banner(editor_client, draft_article):
    response = editor_client.get(draft_article.get_absolute_url())
    assert response.status_code == 200
    assert "Draft." in response.content.decode()


def test_demo_home_shows_all_five_articles(client, demo_corpus):
    page = client.get("/").content.decode()
    assert "Unions discuss mass strikes in protest at spending cuts" in page
    assert page.count('class="article-item"') == 5


def test_data_page_lists_every_way_to_take_data_away(client, db):
    from lxml import html

    response = client.get("/data/")
    assert response.status_code == 200
    page = html.fromstring(response.content)
    links = set(page.xpath("//main//a/@href"))
    for target in (
        "/articles/export.csv",
        "/articles/export.jsonl",
        "/articles/export.ris",
        "/api/",
        "/api/schema/",
        "/api/docs/",
        "/oai/?verb=Identify",
        "/sitemap.xml",
        "/robots.txt",
    ):
        assert target in links, target
    assert "/data/" in page.xpath("//footer//a/@href")
    assert "may make up to 100000 requests a minute;" in " ".join(page.text_content().split())
    for target in links:
        if target.startswith("/") and "export" not in target:
            assert client.get(target).status_code == 200, target
