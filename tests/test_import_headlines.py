"""Headlines from metadata where the page's h1 is generic or missing; site names stripped."""

import pytest

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

BODY = "<p>Members voted by a large majority to take action over pay.</p><p>Talks resume.</p>"


def _import(write_file, name: str, html: str) -> Article:
    (outcome,) = import_files([write_file(name, html)]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    return Article.objects.get(pk=outcome.article_id)


@pytest.mark.parametrize("generic", ["News", "Read more", "Information and resources"])
def test_a_generic_h1_gives_way_to_the_open_graph_headline(write_file, generic):
    html = f"""<html><head><title>PCS</title>
    <meta property="og:title" content="Pay offer rejected as members back action | PCS">
    <meta property="og:site_name" content="PCS"></head>
    <body><nav><a href="/">Home</a></nav><h1>{generic}</h1>{BODY}</body></html>"""

    article = _import(write_file, "page.html", html)

    assert article.title == "Pay offer rejected as members back action"
    assert not article.needs_review


def test_a_json_ld_headline_names_a_page_without_h1(write_file):
    html = (
        """<html><head><title>Novara Media</title><script type="application/ld+json">
    {"@type": "Article", "headline": "Deliveroo riders strike", "datePublished": "2016-08-11"}
    </script></head><body>"""
        + BODY
        + "</body></html>"
    )

    article = _import(write_file, "page.html", html)

    assert article.title == "Deliveroo riders strike"
    assert article.published_date.isoformat() == "2016-08-11"


def test_the_site_name_is_stripped_from_a_title_tag_headline(write_file):
    html = f"""<html><head><title>Steelworkers rally at Port Talbot - Wales Online</title>
    </head><body><div class="content">{BODY}</div></body></html>"""

    article = _import(write_file, "page.html", html)

    assert article.title == "Steelworkers rally at Port Talbot"
    assert article.source == "Wales Online"


def test_a_blog_name_in_the_masthead_h1_is_its_source_not_its_title(write_file):
    html = f"""<html><head><title>Britannia Radio: PCS in talks on a general strike</title>
    </head><body><div class="header"><h1>Britannia Radio</h1></div>
    <div class="post"><h3 class="post-title">PCS in talks on a general strike</h3>{BODY}
    <div class="post-footer">Posted by Britannia Radio at 16:56</div></div></body></html>"""

    article = _import(write_file, "page.html", html)

    assert article.title == "PCS in talks on a general strike"
    assert article.source == "Britannia Radio"
    assert "Posted by" not in article.body_text


def test_a_date_in_the_url_is_found_by_htmldate(write_file):
    html = f"""<html><head><title>Refuse collectors vote - Birmingham Live</title>
    <link rel="canonical" href="https://www.birminghammail.co.uk/news/2017/09/14/refuse-vote">
    </head><body><h1>Refuse collectors vote</h1>{BODY}</body></html>"""

    article = _import(write_file, "page.html", html)

    assert (article.published_date.isoformat(), article.date_precision) == ("2017-09-14", "day")


def test_a_labelled_date_in_plain_text_is_kept_at_the_end_of_a_post(write_file):
    html = f"""<html><head><title>Ritzy strikers</title></head><body><h2>A day with the
    Ritzy strikers</h2>{BODY}<div class="footer">Posted on 25 April 2014 · 4 notes</div>
    </body></html>"""

    article = _import(write_file, "page.html", html)

    assert article.published_date.isoformat() == "2014-04-25"
