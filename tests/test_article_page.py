"""The article page: metadata at its precision, links, citation, related articles."""

import datetime as dt

import pytest

from archive import citation
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def test_article_page_shows_metadata_body_links_and_reading_time(client, published_article):
    page = client.get(published_article.get_absolute_url()).content.decode()
    assert '<time datetime="2011-11-30">30 November 2011</time>' in page
    assert "The Guardian" in page and "1 min" in page
    assert published_article.body_html in page
    assert 'href="/people/mark-serwotka/"' in page


def test_a_link_to_the_original_when_there_is_one(client, published_article):
    published_article.url = "https://www.example.org/news/strike"
    published_article.save()
    page = client.get(published_article.get_absolute_url()).content.decode()
    assert 'href="https://www.example.org/news/strike" rel="nofollow noopener noreferrer"' in page


@pytest.mark.parametrize(
    ("precision", "shown"),
    [
        ("year", ">2005</time>"),
        ("month", ">November 2005</time>"),
        ("day", ">17 November 2005</time>"),
    ],
)
def test_date_is_shown_at_its_precision(client, db, precision, shown):
    article = make_article(published_date=dt.date(2005, 11, 17), date_precision=precision)
    assert shown in client.get(article.get_absolute_url()).content.decode()


def test_cite_block_gives_a_reference_and_bibtex(client, published_article):
    published_article.byline = "Tony Reay"
    published_article.save()
    page = client.get(published_article.get_absolute_url()).content.decode()
    assert "Cite this article" in page
    assert (
        "Reay, Tony. “Civil servants strike over pensions.” The Guardian, 30 November 2011." in page
    )
    assert "@article{civilservantsstrikeoverpensions2011," in page
    assert "author = {Reay, Tony}," in page
    assert f"url = {{http://testserver/a/{published_article.pk}/}}" in page


def test_bibtex_escapes_special_characters():
    article = make_article(
        title="Pay & {conditions} 100%", slug="pay", published_date=dt.date(2011, 1, 1)
    )
    entry = citation.bibtex(article, "http://x/articles/pay/", dt.date(2026, 1, 1))
    assert r"title = {Pay \& \{conditions\} 100\%}," in entry


def test_related_articles_are_those_sharing_most_links(
    client, published_article, pcs, tuc, serwotka, n30
):
    most = make_article(
        title="Most shared", slug="most", organisations=[pcs, tuc], people=[serwotka]
    )
    some = make_article(title="Some shared", slug="some", organisations=[tuc])
    make_article(title="Nothing shared", slug="nothing")
    make_article(title="Draft shared", slug="draft", organisations=[pcs, tuc], status="draft")
    response = client.get(published_article.get_absolute_url())
    assert [a.slug for a in response.context["related"]] == [most.slug, some.slug]


def test_article_page_has_a_print_stylesheet(client, published_article):
    page = client.get(published_article.get_absolute_url()).content.decode()
    assert 'href="/static/archive/print.css" media="print"' in page


def test_bibtex_keeps_urls_verbatim():
    article = make_article(
        title="Pay",
        slug="pay",
        url="https://example.org/news/pay_rise%20now?a=1&b=2",
        published_date=dt.date(2011, 1, 1),
    )
    entry = citation.bibtex(article, "http://x/articles/pay/", dt.date(2026, 1, 1))
    assert "url = {https://example.org/news/pay_rise%20now?a=1&b=2}," in entry
    assert r"note = {Archived copy: \url{http://x/articles/pay/}}," in entry


def test_bibtex_uses_month_macros_and_misc_without_a_source():
    article = make_article(
        title="Undated source",
        slug="misc",
        published_date=dt.date(2011, 11, 1),
        date_precision="month",
    )
    entry = citation.bibtex(article, "http://x/articles/misc/", dt.date(2026, 1, 1))
    assert entry.startswith("@misc{misc2011,")
    assert "  month = nov," in entry
    assert "howpublished = {Reading Room archive}" in entry
    article.source = "The Guardian"
    entry = citation.bibtex(article, "http://x/articles/misc/", dt.date(2026, 1, 1))
    assert entry.startswith("@article{misc2011,") and "howpublished" not in entry


def test_article_page_lists_its_links_by_name_and_its_events_by_date(client, pcs, tuc, treasury):
    from archive.models import Event, Person

    later = Event.objects.create(
        name="A later ballot", slug="later", start_date=dt.date(2012, 3, 1)
    )
    earlier = Event.objects.create(
        name="Z earlier march", slug="earlier", start_date=dt.date(2011, 3, 26)
    )
    people = [Person.objects.create(name=name, slug=name.lower()) for name in ("Zoe", "Adam")]
    article = make_article(
        organisations=[tuc, pcs, treasury], people=people, events=[later, earlier]
    )
    page = client.get(article.get_absolute_url()).content.decode()
    links = page[page.index('aria-label="In this article"') :]
    order = ["HM Treasury", "Public and Commercial", "Trades Union Congress", "Adam", "Zoe"]
    order += ["Z earlier march", "A later ballot"]
    positions = [links.index(name) for name in order]
    assert positions == sorted(positions)
    assert '<span class="muted">26 March 2011</span>' in links
    assert '<meta name="citation_keywords" content="HM Treasury">' in page
