"""The source publication from the page, linked to the archive's publication when it has one."""

import pytest

from archive.importing import headlines
from archive.importing.service import import_files
from archive.models import Article, Organisation

pytestmark = pytest.mark.django_db

BODY = "<p>Members voted by a large majority to take action over pay.</p><p>Talks resume.</p>"


@pytest.fixture
def guardian(db):
    return Organisation.objects.create(
        name="The Guardian",
        slug="the-guardian",
        kind=Organisation.Kind.PUBLICATION,
        aliases="guardian.co.uk\ntheguardian.com",
    )


def _import(write_file, name: str, html: str) -> tuple[Article, object]:
    (outcome,) = import_files([write_file(name, html)]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    return Article.objects.get(pk=outcome.article_id), outcome


def test_og_site_name_names_the_publication_and_links_it(write_file, guardian):
    html = f"""<html><head><meta property="og:site_name" content="the Guardian">
    <title>Strike | the Guardian</title></head><body><h1>Strike</h1>{BODY}</body></html>"""

    article, outcome = _import(write_file, "page.html", html)

    assert article.source == "The Guardian"
    assert list(article.organisations.all()) == [guardian]
    assert outcome.source == "The Guardian"


def test_the_canonical_urls_host_names_the_publication(write_file, guardian):
    html = f"""<html><head><title>Strike</title>
    <link rel="canonical" href="https://www.theguardian.com/society/2011/jan/28/strike">
    </head><body><h1>Strike</h1>{BODY}</body></html>"""

    article, _ = _import(write_file, "page.html", html)

    assert article.source == "The Guardian"
    assert guardian in article.organisations.all()


def test_a_json_ld_publisher_is_the_source(write_file):
    html = f"""<html><head><script type="application/ld+json">{{"@type": "NewsArticle",
    "headline": "Strike", "publisher": {{"@type": "Organization", "name": "Novara Media"}}}}
    </script></head><body>{BODY}</body></html>"""

    article, _ = _import(write_file, "page.html", html)

    assert article.source == "Novara Media"
    assert not article.organisations.exists()  # not one of the archive's publications


def test_a_reposted_article_keeps_its_source_apart_from_the_reposting_site(write_file, guardian):
    html = f"""<html><head><meta property="og:site_name" content="Socialist Unity"></head>
    <body><h1>Strike</h1>{BODY}<p>This article first appeared in the Guardian.</p>
    </body></html>"""

    article, outcome = _import(write_file, "page.html", html)

    assert article.source == "The Guardian"
    assert article.reposted_by == "Socialist Unity"
    assert outcome.reposted_by == "Socialist Unity"


def test_a_blogs_posted_by_names_its_source(write_file):
    text = (
        "Talks on pensions resume\n\nMinisters will meet union leaders.\n\n"
        "Posted by Red Pepper at 09:12\n"
    )

    article, _ = _import(write_file, "post.txt", text)

    assert article.source == "Red Pepper"


def test_a_transcription_opening_with_its_papers_name_takes_it_as_source(write_file):
    Organisation.objects.create(
        name="Morning Star", slug="morning-star", kind=Organisation.Kind.PUBLICATION
    )
    text = (
        "Morning Star\n\nDockers back action over automation\n\nThursday 9 June 2022\n\n"
        "Dock workers voted to strike over the automation of the container terminal.\n"
    )

    (outcome,) = import_files([write_file("dockers.txt", text)]).outcomes
    article = Article.objects.get(pk=outcome.article_id)

    assert article.title == "Dockers back action over automation"
    assert article.source == "Morning Star"
    assert article.published_date.isoformat() == "2022-06-09"
    assert not article.body_text.startswith("Morning Star")
    assert article.needs_review  # the title is still a guess


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("Talks resume, originally published in The Guardian.", "The Guardian"),
        ("Talks resume; first appeared on Morning Star", "Morning Star"),
        ("Talks resume: this article appeared in Tribune.", "Tribune"),
        ("Talks resume, reproduced with permission of Labour Research.", "Labour Research"),
        ("Talks resume.\n\nsource: Socialist Worker", "Socialist Worker"),
        ("Talks resume. The union published its claim.", ""),
        ("Talks resume. The union made its claim.", ""),
    ],
)
def test_each_form_of_credit_names_the_original_source_and_other_text_names_none(text, original):
    assert headlines.original_source(text, "Reposting Site")[0] == original
