"""E-mails: headers read by the email package, the sender kept apart from the text."""

import base64

import pytest

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

TEXT = "Members voted by a large majority to take action over pay. Talks resume next week."


def _import(write_file, name: str, content: str) -> tuple[Article, object]:
    (outcome,) = import_files([write_file(name, content)]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    return Article.objects.get(pk=outcome.article_id), outcome


def test_an_eml_file_takes_its_subject_date_and_sender_from_its_headers(write_file):
    message = f"""From: PCS London <london@pcs.example.org>
To: Members <members@pcs.example.org>
Subject: =?utf-8?q?Ballot_result=3A_yes_to_action?=
Date: Mon, 14 Mar 2005 12:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{base64.encodebytes(TEXT.encode()).decode()}"""

    article, outcome = _import(write_file, "ballot.eml", message)

    assert article.title == "Ballot result: yes to action"
    assert article.published_date.isoformat() == "2005-03-14"
    assert article.sender == "PCS London <london@pcs.example.org>"
    assert article.body_text == TEXT
    assert "london@pcs" not in article.body_html and "Subject" not in article.body_text
    assert article.original == message  # the message as received
    assert outcome.format == "email" and outcome.sender == article.sender


def test_a_multipart_message_uses_its_html_part(write_file):
    message = """From: news@union.example.org
Subject: Ballot news
Date: Thu, 13 Oct 2011 08:05:00 +0100
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="XYZ"

--XYZ
Content-Type: text/plain; charset="utf-8"

The plain version.

--XYZ
Content-Type: text/html; charset="utf-8"

<html><body><p>The <b>HTML</b> version.</p></body></html>
--XYZ--
"""
    article, _ = _import(write_file, "news.eml", message)

    assert article.body_html == "<p>The <b>HTML</b> version.</p>"
    assert article.title == "Ballot news"


def test_a_headline_in_the_body_wins_over_the_subject(write_file):
    message = """From: news@union.example.org
Subject: Fwd: this week's news
Date: Thu, 13 Oct 2011 08:05:00 +0100
Content-Type: text/html; charset="utf-8"

<h1>Unions name the day for pensions action</h1><p>Members will strike.</p>
"""
    article, _ = _import(write_file, "news.eml", message)

    assert article.title == "Unions name the day for pensions action"
    assert not article.needs_review


def test_an_email_saved_as_text_with_outlook_headers(write_file):
    message = f"""From: Tony Reay [mailto:tony.reay@example.org]
Sent: Wednesday, November 23, 2011 9:14 AM
To: London branch secretaries
Subject: Strike on 30 November: arrangements for pickets

Dear colleagues,

{TEXT}
"""
    article, _ = _import(write_file, "pickets.txt", message)

    assert article.title == "Strike on 30 November: arrangements for pickets"
    assert article.published_date.isoformat() == "2011-11-23"
    assert article.sender == "Tony Reay [mailto:tony.reay@example.org]"
    assert "Tony Reay" not in article.body_text and "Subject:" not in article.body_text
    assert not article.needs_review


def test_an_email_saved_as_html_loses_its_header_block_from_the_body(write_file):
    html = f"""<html><body><div><b>From:</b> North West TUC &lt;nwtuc@example.org&gt;<br>
    <b>Sent:</b> 27 January 2011 17:40<br><b>To:</b> affiliates<br>
    <b>Subject:</b> Rally in Manchester on Saturday</div><br>
    <div><p>{TEXT}</p></div></body></html>"""

    article, _ = _import(write_file, "rally.htm", html)

    assert article.title == "Rally in Manchester on Saturday"
    assert article.published_date.isoformat() == "2011-01-27"
    assert article.sender == "North West TUC <nwtuc@example.org>"
    assert article.body_text == TEXT


def test_a_forwarded_gmail_message_keeps_its_subject(write_file):
    message = f"""---------- Forwarded message ---------
From: Sam Patel <sam@example.org>
Date: Tue, 29 Nov 2011 at 21:10
Subject: Re: Cover for picket rota
To: Rota list <rota@example.org>

{TEXT}
"""
    article, _ = _import(write_file, "rota.txt", message)

    assert article.title == "Re: Cover for picket rota"
    assert article.published_date.isoformat() == "2011-11-29"
    assert article.body_text == TEXT


def test_an_email_about_the_30_november_strike_is_linked_to_it(write_file, n30):
    message = """From: Tony Reay [mailto:tony.reay@example.org]
Sent: Wednesday, November 23, 2011 9:14 AM
To: London branch secretaries
Subject: Picket lines on 30 November

PCS members will join the strike next Wednesday. Picket lines start at 7am.
"""
    article, outcome = _import(write_file, "pickets.txt", message)

    assert list(article.events.all()) == [n30]
    assert article.title == "Picket lines on 30 November"
    assert [
        (link["name"], link["evidence"]) for link in outcome.links if link["kind"] == "event"
    ] == [(n30.name, "30 November")]


def test_an_html_body_sent_without_its_content_type_is_read_as_html(write_file):
    message = """From: news@union.example.org
Subject: Ballot news
Date: Thu, 13 Oct 2011 08:05:00 +0100

<html><body><p>Members will <b>strike</b>.</p></body></html>
"""
    article, _ = _import(write_file, "news.eml", message)

    assert article.body_html == "<p>Members will <b>strike</b>.</p>"
