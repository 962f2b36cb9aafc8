"""`manage.py import_articles`: files and folders, options, a report, a summary and exit status."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.importing.service import import_files
from archive.management.commands.import_articles import Command
from archive.models import Article

pytestmark = pytest.mark.django_db

GOOD = "PCS strike\n\nPCS members walked out over pay.\n"


def _run(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_articles", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_it_imports_folders_recursively_as_drafts_and_ends_with_a_summary(write_file, tmp_path):
    write_file("a.txt", GOOD)
    write_file("sub/b.html", "<h1>Rail strike</h1><p>Rail workers walked out.</p>")
    write_file(".hidden/c.txt", "Hidden\n\nNot to be imported.\n")

    stdout, stderr = _run(str(tmp_path))

    assert stdout.splitlines()[-1] == "Imported 2, duplicates 0, refused 0."
    assert stderr == ""  # no progress bar when the output is not a terminal
    assert set(Article.objects.values_list("title", "status", "imported_by")) == {
        ("PCS strike", "draft", "command line"),
        ("Rail strike", "draft", "command line"),
    }


def test_publish_publishes_the_imported_articles(write_file):
    _run(str(write_file("a.txt", GOOD)), "--publish")

    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_dry_run_writes_nothing(write_file):
    stdout, _ = _run(str(write_file("a.txt", GOOD)), "--dry-run")

    assert "would import 1" in stdout
    assert not Article.objects.exists()


def test_duplicates_are_named_and_exit_status_stays_zero(write_file):
    path = str(write_file("a.txt", GOOD))
    _run(path)

    stdout, _ = _run(path)  # raises CommandError, exit status 1, if anything were refused

    assert f"{path}: duplicate: the same bytes" in stdout
    assert stdout.splitlines()[-1] == "Imported 0, duplicates 1, refused 0."


def test_a_refused_file_is_named_with_its_reason_and_the_exit_status_is_one(write_file):
    bad, good = write_file("bad.txt", b"\x00\x01binary"), write_file("good.txt", GOOD)
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(bad), str(good), stdout=stdout, stderr=stderr)

    assert error.value.returncode == 1
    assert f"{bad}: refused: binary file" in stderr.getvalue()
    assert stdout.getvalue().splitlines()[-1] == "Imported 1, duplicates 0, refused 1."


def test_max_bytes_sets_the_size_limit(write_file):
    with pytest.raises(CommandError):
        _run(str(write_file("a.txt", GOOD)), "--max-bytes", "10")

    assert not Article.objects.exists()


def test_the_report_has_one_json_object_per_file(write_file, tmp_path, pcs):
    report = tmp_path / "out" / "report.jsonl"
    report.parent.mkdir()
    page = (
        '<link rel="canonical" href="https://example.org/strike">'
        '<meta name="author" content="Jane Smith"><meta property="og:site_name" content="Daily">'
        '<time datetime="2011-11">Nov</time><h1>PCS strike</h1><p>PCS members walked out.</p>'
    )
    good = write_file("good.html", page)
    bad = write_file("bad.txt", b"")

    with pytest.raises(CommandError):
        _run(str(good), str(bad), "--report", str(report))

    imported, refused = (json.loads(line) for line in report.read_text().splitlines())
    article = Article.objects.get()
    assert imported == {
        "path": str(good),
        "outcome": "imported",
        "reason": "",
        "encoding": "utf-8",
        "format": "html",
        "article_id": article.pk,
        "slug": "pcs-strike",
        "title": "PCS strike",
        "needs_review": False,
        "date": "2011-11",
        "date_precision": "month",
        "date_inferred_from": "",  # the page states its date
        "byline": "Jane Smith",
        "source": "Daily",
        "reposted_by": "",
        "sender": "",
        "url": "https://example.org/strike",
        "organisations": [pcs.name],
        "people": [],
        "events": [],
        "links": [{"kind": "organisation", "id": pcs.pk, "name": pcs.name, "evidence": "PCS"}],
        "duplicate_of": None,
        "similarity": None,
        "copy_recorded": False,
        "note": "",
    }
    assert (refused["path"], refused["outcome"], refused["reason"]) == (
        str(bad),
        "refused",
        "empty file",
    )


def test_a_report_written_into_the_folder_being_imported_is_not_imported(write_file, tmp_path):
    write_file("a.txt", GOOD)
    report = write_file("report.jsonl", '{"an": "earlier report"}\n')

    _run(str(tmp_path), "--report", str(report))

    assert Article.objects.count() == 1
    assert len(report.read_text().splitlines()) == 1


def test_the_command_and_every_option_have_help():
    parser = Command().create_parser("manage.py", "import_articles")
    own = {"paths", "publish", "dry_run", "report", "max_bytes"}

    assert Command.help
    actions = [a for a in parser._actions if a.dest in own]
    assert {a.dest for a in actions} == own
    assert all(action.help for action in actions)


def test_max_bytes_raises_the_limit_for_every_step(write_file, settings):
    settings.ARCHIVE_MAX_ORIGINAL_BYTES = 1000
    path = write_file("long.txt", "Strike ballot\n\n" + "Members voted for action. " * 100)
    assert import_files([path], max_bytes=1000).outcomes[0].outcome == "refused"
    assert import_files([path], max_bytes=10_000).outcomes[0].outcome == "imported"
