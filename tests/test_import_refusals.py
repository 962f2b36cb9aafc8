"""Each kind of bad file is refused with a one-line reason naming it; the run goes on."""

import codecs
from pathlib import Path

import pytest

from archive import sanitize
from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

GOOD = "Strike called\n\nThe union has called a strike over pay.\n"


def _refusal(paths, **options):
    """Import the bad file then a good one; the outcome of the bad one."""
    report = import_files(paths, **options)
    refused, good = report.outcomes
    assert good.outcome == "imported", "the run goes on after a refusal"
    assert refused.outcome == "refused"
    assert Article.objects.count() == 1
    assert "\n" not in refused.line and refused.line.startswith(refused.path)
    return refused


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\t\r\n ", "empty file"),
        ("bom-only.txt", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "empty file"),
        ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("controls.txt", bytes(range(1, 9)) * 20 + b"some text", "binary file"),
        ("broken.txt", b"caf\xe9 \x81\x8d\x8f broken", "cannot be decoded"),
        ("lying-bom.txt", codecs.BOM_UTF16_LE + b"\x00\xd8", "byte-order mark"),
        ("nothing.html", b"<html><body><script>x()</script><img src=a.png></body></html>",
         "no text left"),
        ("deep.html", ("<div>" * (sanitize.MAX_DEPTH + 5) + "deep").encode(), "nested too deep"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_with_its_reason(write_file, name, content, reason):
    refused = _refusal([write_file(name, content), write_file("good.txt", GOOD)])

    assert reason in refused.reason
    assert refused.path.endswith(name)


def test_a_file_over_the_size_limit_is_refused(write_file):
    big = write_file("big.txt", "word " * 100)

    refused = _refusal([big, write_file("good.txt", GOOD)], max_bytes=100)

    assert refused.reason == "too large: 500 bytes (limit 100 bytes)"


def test_the_size_limit_defaults_to_the_archives_setting(write_file, settings):
    settings.ARCHIVE_MAX_ORIGINAL_BYTES = 200

    refused = _refusal([write_file("big.txt", "word " * 100), write_file("good.txt", GOOD)])

    assert "too large" in refused.reason


def test_a_missing_file_is_refused(write_file, tmp_path):
    refused = _refusal([tmp_path / "missing.txt", write_file("good.txt", GOOD)])

    assert refused.reason == "no such file"


def test_no_nul_character_reaches_the_database_even_from_utf16(write_file):
    raw = codecs.BOM_UTF16_LE + "text\x00more".encode("utf-16-le")

    (outcome,) = import_files([write_file("nul.txt", raw)]).outcomes

    assert outcome.outcome == "refused" and "NUL characters" in outcome.reason
    assert not Article.objects.exists()


def test_a_folder_only_gives_article_files(write_file, tmp_path):
    write_file("inbox/ballot.txt", "Strike ballot\n\nMembers voted for action.")
    write_file("inbox/report.jsonl", '{"path": "ballot.txt", "outcome": "imported"}')
    write_file("inbox/photo.png", b"\x89PNG\r\n\x1a\n")
    report = import_files([tmp_path / "inbox"])
    outcomes = {Path(o.path).name: (o.outcome, o.reason) for o in report.outcomes}
    assert outcomes["ballot.txt"][0] == "imported"
    assert outcomes["report.jsonl"] == (
        "refused",
        "not an article file (.jsonl); name it on its own to import it anyway",
    )
    assert outcomes["photo.png"][0] == "refused"
