"""Publication dates keep their precision, from markup first and then from a dateline."""

import pytest

from archive.importing.service import import_files

pytestmark = pytest.mark.django_db

BODY = "<p>Members of the union walked out on Monday over pay and pensions.</p>"


def _date_of(write_file, name: str, content: str) -> tuple[str, str]:
    (outcome,) = import_files([write_file(name, content)]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    return outcome.date, outcome.date_precision


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<time pubdate datetime="2011-01-28T14:26GMT">Friday</time>', ("2011-01-28", "day")),
        ('<time datetime="2011-11">November</time>', ("2011-11", "month")),
        ('<time datetime="2005">2005</time>', ("2005", "year")),
        (
            '<meta property="article:published_time" content="2013-04-07T15:01:00Z">',
            ("2013-04-07", "day"),
        ),
        ('<meta name="DC.date" content="28 January 2011">', ("2011-01-28", "day")),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2011-12"}</script>',
            ("2011-12", "month"),
        ),
        ('<span itemprop="datePublished" content="2010-05-06">6 May</span>', ("2010-05-06", "day")),
    ],
)
def test_a_date_in_the_markup_is_taken_at_its_precision(write_file, markup, expected):
    assert _date_of(write_file, "page.html", markup + BODY) == expected


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("Sunday, 7 April 2013", ("2013-04-07", "day")),
        ("guardian.co.uk, Friday 28 January 2011 14.26 GMT", ("2011-01-28", "day")),
        ("January 28, 2011", ("2011-01-28", "day")),
        ("November 2011", ("2011-11", "month")),
    ],
)
def test_a_dateline_in_the_text_gives_the_date(write_file, dateline, expected):
    text = f"{dateline}\nThe union has called a strike over pay and conditions.\n"

    assert _date_of(write_file, "article.txt", text) == expected


def test_a_date_inside_the_articles_sentences_is_not_taken_for_its_own(write_file):
    text = (
        "Strike called\n\nThe union said that on 26 March 2011 half a million people marched "
        "through London against the cuts, and that more would follow.\n"
    )

    assert _date_of(write_file, "article.txt", text) == ("", "")


def test_an_impossible_or_future_date_is_ignored(write_file):
    markup = '<time datetime="2011-02-30">x</time><time datetime="2999-01-01">y</time>'

    assert _date_of(write_file, "page.html", markup + BODY) == ("", "")


def test_dates_in_comments_and_sidebars_are_not_the_articles(write_file):
    page = """<html><body><nav><a href="/">Home</a></nav>
    <article><h1>Nurses ballot</h1><p>Nurses will be balloted, the union said.</p>
    <p>The ballot closes next month.</p></article>
    <aside class="most-read"><time datetime="2019-05-05">5 May</time></aside>
    <section class="comments"><time datetime="2023-08-02T10:00">2 August</time></section>
    </body></html>"""
    assert _date_of(write_file, "page.html", page) == ("", "")
