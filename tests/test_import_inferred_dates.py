"""A file that states no date is dated from its own words, and says which; never otherwise.

Only when no date is in the markup, a dateline or a labelled line: a year stated in the present
tense ("In 2005 Mark is general secretary") is the year of writing; an event the article is
linked to, spoken of as just past or still to come ("yesterday … to scab on the November 30
strike", "in the wake of Wednesday's strikes"), bounds the time of writing to a window beside
it. The report and the article's provenance quote the words the date was inferred from.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db


def _import(write_file, text: str, name: str = "article.txt"):
    (outcome,) = import_files([write_file(name, text)]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    return outcome, Article.objects.get(pk=outcome.article_id)


def test_undated_article_takes_its_year_from_a_year_stated_in_the_present_tense(
    write_file, pcs, serwotka
):
    text = (
        "No lead from the left\n\n"
        "In March 2004, when 40,000 job losses were announced, 10,000 cuts had been made. "
        "In 2005 Mark is general secretary of PCSU and the left dominates its executive; "
        "further cuts will be announced in 2006.\n"
    )

    outcome, article = _import(write_file, text)

    assert (outcome.date, outcome.date_precision) == ("2005", "year")
    assert (article.published_date, article.date_precision) == (dt.date(2005, 1, 1), "year")
    quote = "“In 2005 Mark is general secretary of PCSU and the left dominates its executive”"
    assert article.date_inferred_from == f"{quote} (a year stated in the present tense)"
    assert outcome.date_inferred_from == article.date_inferred_from


def test_a_year_only_in_the_past_or_future_tense_leaves_the_article_undated(write_file, pcs):
    text = (
        "Cuts go on\n\n"
        "In 2004 the union was told of 40,000 job losses. "
        "In 2006 the department will announce more.\n"
    )

    outcome, article = _import(write_file, text)

    assert outcome.date == "" and article.published_date is None
    assert article.date_inferred_from == ""


def test_a_history_told_in_the_present_tense_is_not_dated_by_its_first_year(write_file, pcs):
    text = (
        "A life in the union\n\n"
        "In 1993 Mark is elected to the executive. "
        "In 2000 he became general secretary of PCS.\n"
    )

    outcome, _ = _import(write_file, text)

    assert outcome.date == ""


def test_undated_article_takes_its_month_from_the_event_it_speaks_of_as_still_to_come(
    write_file, n30
):
    text = (
        "Minister appeals to strikers\n\n"
        "The Chief Secretary yesterday appealed for workers to scab on the November 30 public "
        "sector pensions strike called by PCS and the TUC.\n"
    )

    outcome, article = _import(write_file, text)

    assert (article.published_date, article.date_precision) == (dt.date(2011, 11, 1), "month")
    assert list(article.events.all()) == [n30]
    assert article.date_inferred_from.startswith(
        "“yesterday appealed for workers to scab on the November 30 public sector pensions strike”"
    )
    assert "before Public-sector pensions strike, 2011-11-30" in article.date_inferred_from


def test_undated_article_takes_its_month_from_the_event_it_follows(write_file, n30):
    # 30 November 2011 was a Wednesday: written in the week after it, 1 to 6 December.
    text = (
        "Ministers and unions to talk next week\n\n"
        "Ministers and TUC leaders will open talks in the wake of Wednesday's mass public "
        "sector strikes, in an attempt to strike a deal on pensions by Christmas.\n"
    )

    outcome, article = _import(write_file, text)

    assert (article.published_date, article.date_precision) == (dt.date(2011, 12, 1), "month")
    assert list(article.events.all()) == [n30]
    assert article.date_inferred_from == (
        "“in the wake of Wednesday's mass public sector strikes” "
        "(written after Public-sector pensions strike, 2011-11-30)"
    )


def test_yesterdays_event_gives_the_day_after_it(write_file, n30):
    text = (
        "Millions out\n\n"
        "PCS members were among two million who joined yesterday's public-sector pensions "
        "strike, the TUC said.\n"
    )

    outcome, _ = _import(write_file, text)

    assert (outcome.date, outcome.date_precision) == ("2011-12-01", "day")


def test_yesterday_with_no_linked_event_leaves_the_article_undated(write_file, pcs):
    text = (
        "Union warns\n\n"
        "The PCS union yesterday warned of a strike ahead of the November 30 walk-out.\n"
    )

    outcome, _ = _import(write_file, text)

    assert outcome.date == "" and outcome.events == []


def test_a_weekday_that_contradicts_the_events_date_leaves_the_article_undated(write_file, n30):
    # The strike was on a Wednesday; "Tuesday's" names another day.
    text = (
        "Talks after the strike\n\n"
        "Ministers and TUC leaders will meet in the wake of Tuesday's public-sector pensions "
        "strike.\n"
    )

    outcome, _ = _import(write_file, text)

    assert outcome.date == ""


def test_an_event_mentioned_without_saying_when_it_was_written_gives_no_date(write_file, n30):
    text = (
        "Looking back\n\n"
        "After the November 30 public sector pensions strike, PCS and the TUC went back to "
        "the talks.\n"
    )

    outcome, _ = _import(write_file, text)

    assert outcome.date == "" and outcome.events == ["Public-sector pensions strike"]


def test_words_that_put_the_article_both_before_and_after_the_event_give_no_date(write_file, n30):
    text = (
        "Strike\n\n"
        "PCS yesterday called on members to join the November 30 public sector pensions "
        "strike. Talks resumed in the wake of Wednesday's public sector pensions strike, the "
        "TUC said.\n"
    )

    outcome, _ = _import(write_file, text)

    assert outcome.date == ""


def test_a_date_the_page_states_is_never_replaced_by_an_inferred_one(write_file, n30):
    page = (
        '<html><head><meta property="article:published_time" content="2011-11-20"></head>'
        "<body><h1>Strike ahead</h1><p>PCS yesterday appealed for members to join the "
        "November 30 public sector pensions strike, the TUC said.</p></body></html>"
    )

    outcome, article = _import(write_file, page, "page.html")

    assert (outcome.date, outcome.date_precision) == ("2011-11-20", "day")
    assert article.date_inferred_from == "" and outcome.date_inferred_from == ""


def test_the_command_reports_an_inferred_date_with_its_words(write_file, n30, capsys):
    path = write_file(
        "n30.txt",
        "Strike\n\nPCS members yesterday voted to join the November 30 public sector "
        "pensions strike called by the TUC.\n",
    )

    call_command("import_articles", str(path), verbosity=2)

    out = capsys.readouterr().out
    assert "dated 2011-11 (month), inferred from “yesterday voted to join the November 30" in out


def test_the_admin_report_shows_an_inferred_date_with_its_words(editor_client, n30):
    upload = SimpleUploadedFile(
        "n30.txt",
        b"Strike\n\nPCS members yesterday voted to join the November 30 public sector "
        b"pensions strike called by the TUC.\n",
    )

    response = editor_client.post(
        reverse("admin:archive_article_import"), {"files": [upload]}, follow=True
    )

    assert response.status_code == 200
    assert "<strong>inferred</strong> from “yesterday voted to join the November 30" in (
        response.content.decode()
    )
