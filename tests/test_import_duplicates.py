"""The same bytes, or the same canonical URL, are reported as a duplicate and not imported."""

import pytest

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

TEXT = "Strike at the docks\n\nDock workers walked out over pay on Monday.\n"


def _page(url: str, words: str) -> str:
    return f'<link rel="canonical" href="{url}"><h1>Strike</h1><p>{words}</p>'


def test_the_same_file_twice_in_one_run_is_imported_once(write_file):
    first, second = write_file("a.txt", TEXT), write_file("copy/a-again.txt", TEXT)

    report = import_files([first, second])

    assert [o.outcome for o in report.outcomes] == ["imported", "duplicate"]
    assert Article.objects.count() == 1
    duplicate = report.outcomes[1]
    assert duplicate.article_id == report.outcomes[0].article_id
    assert str(first) in duplicate.reason and "the same bytes" in duplicate.reason


def test_a_file_already_in_the_archive_is_a_duplicate_naming_the_article(write_file):
    path = write_file("a.txt", TEXT)
    (imported,) = import_files([path]).outcomes

    (again,) = import_files([path]).outcomes

    assert again.outcome == "duplicate"
    assert (again.article_id, again.slug) == (imported.article_id, imported.slug)
    assert f"article {imported.article_id}" in again.reason
    assert Article.objects.count() == 1


def test_the_same_canonical_url_in_different_bytes_is_a_duplicate(write_file):
    url = "https://example.org/news/strike"
    import_files([write_file("first.html", _page(url, "Dockers walk out over pay."))])

    (again,) = import_files([write_file("second.html", _page(url, "Dockers walk out."))]).outcomes

    assert again.outcome == "duplicate" and "the same URL" in again.reason
    assert Article.objects.count() == 1


def test_a_different_url_with_the_same_title_is_imported_with_its_own_slug(write_file):
    report = import_files(
        [
            write_file("one.html", _page("https://example.org/1", "Dockers walk out over pay.")),
            write_file("two.html", _page("https://example.org/2", "Rail workers walk out.")),
        ]
    )

    assert report.imported == 2
    assert [o.slug for o in report.outcomes] == ["strike", "strike-2"]


def test_the_same_url_written_differently_is_a_duplicate(write_file):
    page = (
        '<html><head><link rel="canonical" href="{}"></head>'
        "<body><h1>Nurses ballot</h1><p>Nurses will be balloted on {}.</p></body></html>"
    )
    first = write_file("a.html", page.format("http://news.example.org/nurses/", "Monday"))
    second = write_file(
        "b.html", page.format("https://NEWS.example.org/nurses?utm_source=twitter#top", "Tuesday")
    )
    report = import_files([first, second])
    assert [o.outcome for o in report.outcomes] == ["imported", "duplicate"]
    assert Article.objects.get().url == "http://news.example.org/nurses"


def test_a_dry_run_finds_the_same_url_twice_in_one_run(write_file):
    page = (
        '<html><head><link rel="canonical" href="{}"></head><body><h1>T</h1><p>{}</p></body></html>'
    )
    first = write_file("a.html", page.format("http://news.example.org/nurses/", "Monday text"))
    second = write_file("b.html", page.format("https://news.example.org/nurses", "Other text"))
    report = import_files([first, second], dry_run=True)
    assert [o.outcome for o in report.outcomes] == ["imported", "duplicate"]
