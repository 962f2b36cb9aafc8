"""A plain-text transcription's "By Jane Smith" line is its byline, not its first paragraph."""

import pytest

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db


def test_a_by_line_near_the_top_of_a_text_becomes_the_byline(write_file):
    import_files(
        [
            write_file(
                "a.txt",
                "Council workers walk out\n\nBy Jane Smith, Industrial Correspondent\n\n"
                "Council workers walked out today over pay.\n",
            )
        ]
    )
    article = Article.objects.get()
    assert article.byline == "Jane Smith, Industrial Correspondent"
    assert "Jane Smith" not in article.body_text
    assert "By Jane Smith" in article.original  # the original as received is untouched


def test_a_sentence_beginning_with_by_is_not_a_byline(write_file):
    import_files(
        [
            write_file(
                "a.txt",
                "Council workers walk out\n\nBy Friday the Council offered more.\n\n"
                "Council workers walked out today over pay.\n",
            )
        ]
    )
    article = Article.objects.get()
    assert article.byline == ""
    assert "By Friday the Council offered more." in article.body_text
