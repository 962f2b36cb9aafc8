"""A full saved web page yields only its article, with the metadata the page gives."""

import json

import pytest

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

ARTICLE_PARAGRAPHS = (
    "Dock workers represented by the union voted overwhelmingly for strike action on "
    "Tuesday, after talks over pay broke down at the port.",
    "The ballot saw 84 per cent of members back a walkout, on a turnout of 71 per cent. "
    "The employer said it was disappointed by the result.",
    "Negotiations collapsed last week when the company withdrew its previous offer of a "
    "three per cent rise, the union said in a statement.",
)

JSON_LD = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "WebSite", "name": "The Daily Worker"},
        {
            "@type": "NewsArticle",
            "headline": "Dockers vote to strike over pay",
            "datePublished": "2012-03",
            "author": {"@type": "Person", "name": "Jane Smith"},
        },
    ],
}

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Dockers vote to strike over pay | The Daily Worker</title>
<meta property="og:site_name" content="The Daily Worker">
<link rel="canonical" href="https://example.org/news/2012/dockers-strike">
<script type="application/ld+json">{json.dumps(JSON_LD)}</script>
<script>window.trackPageView("dockers");</script>
<style>body {{ color: #333 }}</style>
</head><body>
<header class="site-header"><h1 class="logo">The Daily Worker</h1>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport pages</a></li></ul></nav>
</header>
<div class="advert">Cheap flights to Malaga! Advertisement</div>
<main><article>
<h2>Dockers vote to strike over pay</h2>
<p>{ARTICLE_PARAGRAPHS[0]}</p>
<p>{ARTICLE_PARAGRAPHS[1]}</p>
<p>{ARTICLE_PARAGRAPHS[2]}</p>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/rail">Rail strike ends</a></li>
<li><a href="/teachers">Teachers to ballot</a></li></ul></aside>
<section id="comments"><h3>Comments</h3>
<div class="comment"><p>Solidarity to all the dockers, what a result for the union!</p></div>
</section></main>
<footer><p>Copyright The Daily Worker. Privacy policy. Cookie settings.</p></footer>
<script>loadComments();</script>
</body></html>"""


@pytest.fixture
def article(write_file) -> Article:
    (outcome,) = import_files([write_file("dockers.html", PAGE)]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    return Article.objects.get(pk=outcome.article_id)


def test_a_full_page_yields_only_its_article_text(article):
    assert article.body_text.split("\n\n") == list(ARTICLE_PARAGRAPHS)


@pytest.mark.parametrize(
    "boilerplate",
    ["News", "Sport pages", "Malaga", "Related stories", "Rail strike", "Solidarity",
     "Comments", "Copyright", "trackPageView", "loadComments", "color"],
)  # fmt: skip
def test_menus_adverts_related_links_comments_footers_and_scripts_are_left_out(
    article, boilerplate
):
    assert boilerplate not in article.body_html


def test_the_headline_is_the_articles_not_the_site_name(article):
    assert article.title == "Dockers vote to strike over pay"
    assert not article.needs_review
    assert "Dockers vote" not in article.body_html  # the repeated headline is not in the body


def test_the_page_gives_its_byline_source_url_and_date_at_its_precision(article):
    assert article.byline == "Jane Smith"
    assert article.source == "The Daily Worker"
    assert article.url == "https://example.org/news/2012/dockers-strike"
    assert (article.published_date.isoformat(), article.date_precision) == ("2012-03-01", "month")
