"""An import that reads its files in reader processes (archive.importing.reading) writes and
reports exactly what one reading every file itself does, and does not read anything twice."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive import sanitize
from archive.importing import reading, similarity
from archive.importing.service import import_files
from archive.models import Article, Organisation, Person

pytestmark = pytest.mark.django_db

WORDS = "the union members voted to strike over pay and pensions after talks with the employer"
FULL_PAGE = (
    "<!DOCTYPE html><html><head><title>Dockers out | The Paper</title>"
    '<link rel="canonical" href="https://example.org/dockers"></head><body>'
    '<nav><ul><li><a href="/a">Home</a></li><li><a href="/b">News</a></li></ul></nav>'
    "<article><h1>Dockers out</h1>"
    + "".join(f"<p>Paragraph {n}: Unite said {WORDS} at the port.</p>" for n in range(6))
    + "</article><footer>Copyright The Paper</footer></body></html>"
)


def _files(write_file) -> list:
    long_text = " ".join([WORDS] * 4)
    return [
        write_file("01.txt", f"PCS strike\n\n3 March 2011\n\nMark Serwotka of PCS said {WORDS}.\n"),
        write_file("02.html", f"<h1>Teachers</h1><p>The NEU said {long_text}.</p><p>More.</p>"),
        write_file("03.html", FULL_PAGE),
        write_file("04.txt", ""),  # empty: refused
        write_file("05.txt", "x" * 5000),  # too large for the limit below
        write_file("06.txt", f"PCS strike\n\n3 March 2011\n\nMark Serwotka of PCS said {WORDS}.\n"),
        write_file("07.html", FULL_PAGE.replace("The Paper", "Another Paper")),  # the same URL
        write_file("08.txt", f"Teachers again\n\nThe NEU said {long_text}.\n\nMore.\n"),
        write_file(
            "09.eml",
            "From: Branch Secretary <branch@example.org>\nSubject: Ballot result\n"
            f"Date: Tue, 1 Mar 2011 10:00:00 +0000\n\nMembers of Unite voted: {WORDS}.\n",
        ),
        write_file("10.bin", b"\x00\x01\x02\xff" * 50),
        write_file("11.html", "<script>alert(1)</script><p>Only a script and this.</p>"),
    ]


def _articles() -> list[tuple]:
    return sorted(
        (
            a.slug,
            a.title,
            a.body_html,
            a.body_text,
            a.published_date,
            a.source,
            a.url,
            a.text_fingerprint,
            a.text_sketch,
            a.original,
            tuple(sorted(a.organisations.values_list("slug", flat=True))),
            tuple(sorted(a.people.values_list("slug", flat=True))),
        )
        for a in Article.objects.all()
    )


def _outcomes(report) -> list[dict]:
    """The report, each article named by the file it was imported from (ids differ by run)."""
    files = {o.article_id: o.path for o in report.outcomes if o.outcome == "imported"}
    return [
        {
            **o.as_json(),
            "article_id": files.get(o.article_id),
            "duplicate_of": files.get(o.duplicate_of),
        }
        for o in report.outcomes
    ]


@pytest.fixture
def entities(db):
    Organisation.objects.create(name="Public and Commercial Services Union", slug="pcs",
                                abbreviation="PCS")  # fmt: skip
    Organisation.objects.create(name="Unite", slug="unite")
    Organisation.objects.create(name="National Education Union", slug="neu", abbreviation="NEU")
    Person.objects.create(name="Mark Serwotka", slug="mark-serwotka")


def test_readers_in_other_processes_write_and_report_what_one_process_does(
    write_file, entities, monkeypatch
):
    files = _files(write_file)
    options = {"max_bytes": 4000, "near_duplicates": "import"}

    handed_over = []
    real_adopt = reading._FromReader.adopt
    monkeypatch.setattr(
        reading._FromReader, "adopt", lambda self: (handed_over.append(1), real_adopt(self))
    )
    pooled = import_files(files, readers=2, **options)
    pooled_articles = _articles()
    assert len(handed_over) == 9  # every file read, by the readers (not the two refused early)
    Article.objects.all().delete()
    alone = import_files(files, readers=1, **options)

    assert _outcomes(pooled) == _outcomes(alone)
    assert pooled_articles == _articles()
    assert [o.outcome for o in alone.outcomes].count("imported") >= 5
    assert {o.reason for o in alone.outcomes if o.outcome == "refused"} >= {"empty file"}


def test_a_dry_run_with_readers_reports_what_one_without_does(write_file, entities):
    files = _files(write_file)

    pooled = import_files(files, readers=3, dry_run=True, max_bytes=4000)
    alone = import_files(files, readers=1, dry_run=True, max_bytes=4000)

    assert _outcomes(pooled) == _outcomes(alone)
    assert not Article.objects.exists()


def test_the_writer_neither_cleans_nor_analyses_again_what_a_reader_did(
    write_file, entities, monkeypatch
):
    """The reader's cleaned body, its text and the text's analysis are handed over: the writing
    process works none of them out again when it saves the article."""
    here = os.getpid()
    worked_out = []

    def counted(name, function):
        def wrapper(*args, **kwargs):
            if os.getpid() == here:
                worked_out.append(name)
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(sanitize, "sanitize", counted("sanitize", sanitize.sanitize))
    monkeypatch.setattr(
        sanitize.html_to_text, "_function", counted("text", sanitize.html_to_text._function)
    )
    monkeypatch.setattr(
        similarity.analyse, "_function", counted("analysis", similarity.analyse._function)
    )
    sanitize.html_to_text.cache_clear()
    similarity.analyse.cache_clear()
    files = [write_file(f"{n}.html", f"<h1>Report {n}</h1><p>{WORDS} {n}.</p>") for n in range(6)]

    report = import_files(files, readers=2)

    assert report.imported == 6
    assert worked_out == []


def test_a_file_that_kills_its_reader_is_refused_and_the_rest_imported(
    write_file, entities, monkeypatch, caplog
):
    """A reader killed (as the system kills a process for its memory) loses no other file,
    and the writer never reads the file that killed it: that one is read again in a reader of
    its own, and refused when that one dies too."""
    here = os.getpid()
    real_read = reading.read

    def dies_on_the_third(name, raw, max_bytes):
        if os.getpid() != here and name == "03.txt":
            os._exit(1)
        return real_read(name, raw, max_bytes)

    monkeypatch.setattr(reading, "read", dies_on_the_third)
    files = [write_file(f"{n:02d}.txt", f"Strike {n}\n\n{WORDS} number {n}.\n") for n in range(12)]

    with caplog.at_level("WARNING", logger="archive.importing.reading"):
        report = import_files(files, readers=2)

    assert "A reader process stopped" in caplog.text
    outcomes = [(Path(o.path).name, o.outcome, o.reason) for o in report.outcomes]
    assert outcomes[3] == ("03.txt", "refused", reading.READER_STOPPED)
    assert [o for n, o, _ in outcomes if n != "03.txt"] == ["imported"] * 11
    assert Article.objects.count() == 11


def test_a_reader_that_dies_once_costs_no_file(write_file, entities, monkeypatch, tmp_path):
    here = os.getpid()
    real_read = reading.read
    died = tmp_path / "died"

    def dies_once(name, raw, max_bytes):
        if os.getpid() != here and name == "02.txt" and not died.exists():
            died.touch()
            os._exit(1)
        return real_read(name, raw, max_bytes)

    monkeypatch.setattr(reading, "read", dies_once)
    files = [write_file(f"{n:02d}.txt", f"Strike {n}\n\n{WORDS} number {n}.\n") for n in range(12)]

    report = import_files(files, readers=2)

    assert died.exists()
    assert [o.outcome for o in report.outcomes] == ["imported"] * 12


class _Unreadable:
    """A source whose bytes cannot be had (a storage error, not a refusal)."""

    label = name = "unreadable.txt"

    def read(self, max_bytes):
        raise RuntimeError("the storage went away")


def test_a_source_that_fails_to_give_its_bytes_is_reported_alike_with_readers(write_file):
    files = [write_file("a.txt", f"Strike\n\n{WORDS}.\n"), _Unreadable()]

    pooled = import_files(files, readers=2, dry_run=True)
    alone = import_files(files, readers=1, dry_run=True)

    assert _outcomes(pooled) == _outcomes(alone)
    assert alone.outcomes[1].reason == (
        "import failed, nothing written (RuntimeError: the storage went away)"
    )


def test_an_unexpected_error_in_reading_keeps_the_encoding_and_format(write_file, monkeypatch):
    def breaks(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(reading, "extract", breaks)
    path = write_file("a.html", "<p>Fine text.</p>")
    for readers in (1, 2):
        (outcome,) = import_files([path], readers=readers).outcomes
        assert (outcome.outcome, outcome.encoding, outcome.format) == (
            "refused",
            "utf-8",
            "html",
        )
        assert outcome.reason == "import failed, nothing written (ValueError: a bug)"


def test_the_command_reads_in_as_many_processes_as_asked(write_file, monkeypatch):
    asked = []
    real = reading.Readers.__init__

    def recorded(self, count):
        asked.append(count)
        real(self, count)

    monkeypatch.setattr(reading.Readers, "__init__", recorded)
    for n in range(4):
        write_file(f"{n}.txt", f"Strike {n}\n\n{WORDS} {n}.\n")
    folder = str(write_file("x/one.txt", f"Walkout\n\n{WORDS}.\n").parent.parent)

    call_command("import_articles", folder, "--readers", "3", stdout=io.StringIO())
    one = str(write_file("y/two.txt", f"Ballot\n\n{WORDS} again.\n"))
    call_command("import_articles", one, "--readers", "3", stdout=io.StringIO())
    assert asked == [3, 1]  # no more readers than files
    assert Article.objects.count() == 6
    with pytest.raises(CommandError, match="not a positive whole number"):
        call_command("import_articles", one, "--readers", "0", stdout=io.StringIO())


def test_the_default_is_a_reader_a_core_up_to_four(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5, 6, 7})
    assert reading.default_readers() == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert reading.default_readers() == 1
