"""A body is sanitised once on its way in, and whatever writer stores it, it is stored clean.

The importer cleans a file as it reads it; Article.save() then knows that output (or the blocks
of it the importer kept) as the sanitiser's own and does not clean it again. Anything else a
writer hands over is cleaned on save, as before.
"""

import itertools
import random

import pytest
from reversion.models import Version

from archive import history, sanitize
from archive.importing.service import import_files
from archive.models import Article
from tests.sanitize_cases import HOSTILE_CASES

ORDINARY = [
    "<h1>Strike</h1><p>One <b>bold</b> claim.</p><ul><li>a<li>b</ul><p>Two<br>lines</p>",
    "<blockquote><p>Quoted</p><p>twice</p></blockquote><h2>Sub</h2><ol><li><p>x</p></li></ol>",
    '<p>A <a href="https://example.org/a?b=1&c=2">link</a> and <em>more</em></p><h3>End</h3>',
    "<div>loose text<p>a paragraph</p>more loose</div><h5>deep</h5><pre>a\nb</pre>",
]
FORBIDDEN = ("<script", "<style", "<iframe", "onerror", "onload", "javascript:", "<svg", "<img")


def _clean(body: str) -> str:
    return sanitize.sanitize(body, "html").body_html


def _assert_stored_clean(article_id: int) -> None:
    stored = Article.objects.values_list("body_html", flat=True).get(pk=article_id)
    assert _clean(stored) == stored
    assert not any(bad in stored.lower() for bad in FORBIDDEN), stored


def _blocks(body: str) -> tuple[str, ...]:
    blocks = sanitize._top_level_blocks(body)
    assert blocks is not None, body
    return blocks


@pytest.mark.parametrize("source", [*HOSTILE_CASES.values(), *ORDINARY])
def test_known_clean_is_what_cleaning_again_gives_for_any_run_of_blocks(source):
    output = _clean(source)
    if not output:
        return
    blocks = _blocks(output)
    rnd = random.Random(source)
    subsets = [
        subset
        for size in range(1, len(blocks) + 1)
        for subset in itertools.combinations(blocks, size)
    ]
    for subset in rnd.sample(subsets, min(len(subsets), 40)):
        for gap in ("\n", "", "\n\n", " \n "):
            body = gap.join(subset) + rnd.choice(["", "\n"])
            _clean(source)  # issued again: the subset is checked against this output
            assert sanitize.known_clean(body) == _clean(body)


def test_a_body_not_made_of_the_sanitisers_blocks_is_not_known_clean():
    output = _clean("<p>One</p><blockquote><p>Posted by</p><p>Two</p></blockquote><p>Three</p>")
    assert sanitize.known_clean(output) == output
    unknown = [
        output.replace("<p>Three</p>", "<p>Three</p><script>alert(1)</script>"),
        output.replace("<p>Posted by</p>", ""),  # a block taken out of a quotation
        output.replace("One", "Uno"),
        "<p>Never cleaned</p>",
        output[:-1],
        "",
        " \n ",
    ]
    for body in unknown:
        assert sanitize.known_clean(body) is None, body


def test_a_body_saved_directly_is_cleaned_even_beside_a_known_one(article_factory):
    output = _clean("<p>Kept</p><p>Also kept</p>")
    article = article_factory(body_html=output + '<img src=x onerror="alert(1)"><p>More</p>')
    _assert_stored_clean(article.pk)
    assert article.body_html == "<p>Kept</p>\n<p>Also kept</p>\n<p>More</p>"


@pytest.mark.parametrize("name", sorted(HOSTILE_CASES))
def test_an_imported_body_is_stored_clean(db, write_file, name):
    path = write_file(f"{name}.html", f"<h1>Headline here</h1><p>A first paragraph of text.</p>"
                      f"{HOSTILE_CASES[name]}<p>A last paragraph of text.</p>")  # fmt: skip
    report = import_files([path])
    (outcome,) = report.outcomes
    if outcome.article_id is not None:
        _assert_stored_clean(outcome.article_id)


def test_hostile_files_read_in_reader_processes_are_stored_clean(db, write_file):
    """The bodies a reader process cleaned are known clean to the writer
    (sanitize.adopt_from_own_fork) and stored as cleaning gives: nothing hostile gets through
    the hand-over."""
    paths = [
        write_file(
            f"{name}.html",
            f"<h1>Headline {n}</h1><p>A first paragraph, {n}.</p>"
            f"{HOSTILE_CASES[name]}<p>A last paragraph of text.</p>",
        )  # fmt: skip
        for n, name in enumerate(sorted(HOSTILE_CASES))
    ]
    report = import_files(paths, readers=2)
    assert report.imported
    for outcome in report.outcomes:
        if outcome.article_id is not None:
            _assert_stored_clean(outcome.article_id)


def test_outputs_issued_in_another_process_are_known_once_adopted():
    """What a fork hands back (`issuing`, then `adopt_from_own_fork`) is known clean, blocks
    and all; before that it is not."""
    with sanitize.issuing() as issued:
        output = _clean("<h1>Strike</h1><p>One</p><p>Two <b>bold</b></p>")
    assert issued == [(output, sanitize._top_level_blocks(output))]
    sanitize._issued().clear()  # as in the writing process, which never cleaned it
    trimmed = output.split("\n", 1)[1]
    assert sanitize.known_clean(trimmed) is None
    sanitize.adopt_from_own_fork(issued)
    assert sanitize.known_clean(output) == output
    assert sanitize.known_clean(trimmed) == trimmed


def test_imported_text_bodies_trimmed_by_the_importer_are_stored_as_cleaning_gives(db, write_file):
    files = [
        write_file("plain.txt", "Strike news\n\n3 March 2011\n\nBy Jane Smith\n\nThe union "
                   "called a strike.\n\nPosted by\n\nUnion News\n\nat\n\n16:56\n\nMore text."),
        write_file("page.html", "<h1>Pay talks</h1><p>Pay talks</p><p>Posted on 2 April 2016</p>"
                   "<blockquote><p>Quoted.</p><p>Share this</p></blockquote><p>Text.</p>"),
    ]  # fmt: skip
    report = import_files(files)
    for outcome in report.outcomes:
        assert outcome.article_id is not None, outcome.reason
        _assert_stored_clean(outcome.article_id)


def test_an_admin_edit_and_a_restore_of_a_tampered_version_are_stored_clean(
    editor_client, published_article
):
    from tests.admin_forms import change_url, form_data

    data = form_data(editor_client.get(change_url(published_article)))
    data["body_html"] = _clean("<p>Good</p><p>text</p>") + "<script>alert(1)</script>"
    assert editor_client.post(change_url(published_article), data).status_code == 302
    _assert_stored_clean(published_article.pk)
    published_article.refresh_from_db()
    version = history.versions_of(published_article)[0].version
    Version.objects.filter(pk=version.pk).update(
        serialized_data=version.serialized_data.replace(
            "<p>Good</p>", '<p>Good</p><iframe src=\\"javascript:x\\"></iframe>'
        )
    )
    history.restore(published_article, Version.objects.get(pk=version.pk))
    _assert_stored_clean(published_article.pk)
