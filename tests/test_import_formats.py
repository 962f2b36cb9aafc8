"""Plain text, HTML fragments and e-mails saved as HTML are cleaned whole; the format is sniffed."""

import pytest

from archive.importing.service import import_files
from archive.models import Article
from archive.sanitize import sanitize

pytestmark = pytest.mark.django_db

PLAIN = """Strike ballot at the docks

Dock workers will be balloted for strike action, the union said on Monday.
Talks broke down last week.

"We have no choice," said a regional officer.
"""

FRAGMENT = """<h1>Teachers vote for action</h1>
<p>Teachers have voted for <b>industrial action</b> over pay.</p>
<script>alert("x")</script>
<p>The union will meet <a href="https://example.org/meeting">next week</a>.</p>"""

# An e-mail as Outlook saves it: upper-case markup, presentational wrappers, a stale charset.
EMAIL = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">
<HTML><HEAD><META content="text/html; charset=iso-8859-1" http-equiv=Content-Type>
<META name=GENERATOR content="MSHTML 8.00.7600.16700"></HEAD>
<BODY id=MailContainerBody>
<H1>Council announces £2m cuts</H1>
<DIV class="full-line"><FONT face=Calibri>Forwarded from the branch</FONT></DIV>
<P>The council will cut £2m from its budget, putting 300 jobs at risk.</P>
<P>Branch officers will meet members on Thursday.</P>
</BODY></HTML>"""


def _import_one(path) -> Article:
    (outcome,) = import_files([path]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    return Article.objects.get(pk=outcome.article_id)


def test_plain_text_gives_its_first_line_as_a_title_to_review_shown_once(write_file):
    article = _import_one(write_file("ballot.txt", PLAIN))

    assert article.original_format == "text"
    whole = sanitize(PLAIN, "text").body_html
    assert whole.startswith("<p>Strike ballot at the docks</p>\n")
    assert article.body_html == whole.removeprefix("<p>Strike ballot at the docks</p>\n")
    assert article.title == "Strike ballot at the docks"
    assert article.needs_review
    assert article.original == PLAIN and article.original_filename == "ballot.txt"


def test_an_html_fragment_is_cleaned_whole_and_its_h1_is_the_title(write_file):
    article = _import_one(write_file("teachers.html", FRAGMENT))

    assert article.original_format == "html"
    assert article.body_html == sanitize(FRAGMENT, "html").body_html
    assert "<script" not in article.body_html and "alert" not in article.body_text
    assert article.title == "Teachers vote for action"
    assert not article.needs_review


def test_an_email_saved_as_html_in_a_txt_file_is_read_as_html_and_kept_whole(write_file):
    article = _import_one(write_file("mail.txt", EMAIL))

    assert article.original_format == "html"
    assert article.body_html == sanitize(EMAIL, "html").body_html
    assert "Forwarded from the branch" in article.body_text
    assert "£2m" in article.body_text
    assert article.title == "Council announces £2m cuts"


def test_a_fragment_with_its_own_header_and_footer_is_still_cleaned_whole(write_file):
    html = (
        "<article><header><h1>Pay deal agreed</h1><p>By Sam Jones</p></header>"
        "<p>The union accepted the offer.</p><footer>Filed from Leeds</footer></article>"
    )

    article = _import_one(write_file("deal.html", html))

    assert article.body_html == sanitize(html, "html").body_html
    assert "Filed from Leeds" in article.body_text


def test_an_html_fragment_without_a_headline_gets_its_first_sentence_to_review(write_file):
    html = "<p>Nurses in Wales have rejected the pay offer. A ballot follows.</p>"

    article = _import_one(write_file("nurses.htm", html))

    assert article.title == "Nurses in Wales have rejected the pay offer"
    assert article.needs_review


def test_text_that_mentions_angle_brackets_is_still_plain_text(write_file):
    article = _import_one(write_file("maths.txt", "Pay rose by <5% while prices rose by >9%.\n"))

    assert article.original_format == "text"
    assert "&lt;5%" in article.body_html
