"""The same text in another encoding, with other furniture, or syndicated, is not imported twice."""

import pytest
from django.core.management import call_command

from archive.importing.service import import_files
from archive.models import Article, SyndicatedCopy

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    "Ministers and union leaders will embark on two weeks of intensive negotiations in the "
    "wake of Wednesday's mass public sector strikes, in an attempt to strike a broad deal.",
    "Senior sources on both sides of the dispute say that, despite the increased public "
    "rhetoric surrounding the strike, a deal to head off future action is achievable.",
    "A meeting between ministers and the general secretary of the TUC, alongside other union "
    "leaders, could be scheduled for next week, the café owner near Whitehall was told.",
]
TEXT = "Ministers and unions to talk\n\n" + "\n\n".join(PARAGRAPHS) + "\n"


def _page(site: str, extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<html><head><title>Ministers and unions to talk | {site}</title></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <article><h1>Ministers and unions to talk</h1>{body}{extra}</article>
    <footer>© {site}</footer></body></html>"""


def test_the_same_text_in_another_encoding_is_a_probable_duplicate(write_file):
    first = import_files([write_file("utf8.txt", TEXT)])
    second = import_files([write_file("latin.txt", TEXT.encode("mac_roman"))])

    (outcome,) = second.outcomes
    article = Article.objects.get()
    assert first.imported == 1 and second.imported == 0
    assert outcome.outcome == "duplicate" and outcome.encoding == "mac-roman (detected)"
    assert outcome.reason.startswith("probable duplicate: the same text as")
    assert (outcome.duplicate_of, outcome.similarity) == (article.pk, 1.0)


def test_the_same_article_with_other_page_furniture_is_a_probable_duplicate(write_file):
    import_files([write_file("a.html", _page("The Independent"))])

    report = import_files(
        [write_file("b.html", _page("Yahoo News", "<p>Share this article: Twitter Facebook</p>"))]
    )

    (outcome,) = report.outcomes
    assert outcome.outcome == "duplicate" and "probable duplicate" in outcome.reason
    assert outcome.duplicate_of == Article.objects.get().pk


def test_a_near_duplicate_within_one_run_is_caught(write_file):
    report = import_files(
        [write_file("a.txt", TEXT), write_file("b.txt", TEXT.replace("café", "cafe") + "\nEnds.\n")]
    )

    assert [o.outcome for o in report.outcomes] == ["imported", "duplicate"]
    assert "earlier in this run" in report.outcomes[1].reason


def test_a_different_article_on_the_same_subject_is_not_a_duplicate(write_file):
    import_files([write_file("a.txt", TEXT)])
    other = (
        "Teachers vote to strike\n\nTeachers in the NEU have voted for a national strike over "
        "pay after the government refused to fund a rise for schools in England this year.\n\n"
        "The union's general secretary said members had been left with no choice, and that "
        "talks with ministers would continue in the days before the first strike.\n"
    )

    report = import_files([write_file("b.txt", other)])

    assert report.imported == 1 and report.outcomes[0].duplicate_of is None


def test_a_syndicated_copy_can_be_linked_to_the_article_it_repeats(write_file):
    import_files([write_file("a.html", _page("The Independent"))])
    article = Article.objects.get()

    report = import_files(
        [write_file("b.html", _page("Yahoo News"))], near_duplicates="link", imported_by="ed"
    )

    (outcome,) = report.outcomes
    copy = SyndicatedCopy.objects.get()
    assert Article.objects.count() == 1
    assert outcome.reason.startswith("recorded as a syndicated copy") and outcome.copy_recorded
    assert (copy.article, copy.source, copy.original_filename) == (article, "Yahoo News", "b.html")
    assert copy.similarity == pytest.approx(1.0) and copy.imported_by == "ed"

    again = import_files([write_file("b.html", _page("Yahoo News"))])
    assert "the same bytes as a recorded copy of" in again.outcomes[0].reason


def test_near_duplicates_can_be_imported_anyway_with_a_note(write_file):
    import_files([write_file("a.txt", TEXT)])

    report = import_files([write_file("b.txt", TEXT.encode("mac_roman"))], near_duplicates="import")

    (outcome,) = report.outcomes
    assert outcome.outcome == "imported" and Article.objects.count() == 2
    assert outcome.note.startswith("a probable duplicate: the same text as")


def test_a_dry_run_records_no_copy(write_file):
    import_files([write_file("a.txt", TEXT)])

    report = import_files(
        [write_file("b.txt", TEXT.encode("mac_roman"))], near_duplicates="link", dry_run=True
    )

    assert report.outcomes[0].reason.startswith("would be recorded as a syndicated copy")
    assert not SyndicatedCopy.objects.exists()


def test_articles_loaded_from_fixtures_are_found_as_near_duplicates(demo_corpus, write_file):
    seed = Article.objects.get(original_filename__startswith="004")
    Article.objects.filter(pk=seed.pk).update(text_fingerprint="", text_sketch="")
    copy = seed.body_text.replace("\n\n", "\n\n\n") + "\n\nPosted by Reposter at 10:00\n"

    report = import_files([write_file("copy.txt", copy)])

    assert report.outcomes[0].duplicate_of == seed.pk


def test_the_command_takes_near_duplicates_link(write_file):
    import_files([write_file("a.txt", TEXT)])

    call_command(
        "import_articles",
        str(write_file("b.txt", TEXT.encode("mac_roman"))),
        "--near-duplicates",
        "link",
        verbosity=0,
    )

    assert SyndicatedCopy.objects.get().article == Article.objects.get()
