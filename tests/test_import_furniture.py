"""Page furniture is trimmed from bodies and kept in the original."""

import pytest

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    "Ministers and union leaders will embark on two weeks of negotiations.",
    "Senior sources on both sides say a deal is achievable.",
]


def _import(write_file, name: str, content: str) -> Article:
    (outcome,) = import_files([write_file(name, content)]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    return Article.objects.get(pk=outcome.article_id)


@pytest.mark.parametrize(
    "furniture",
    [
        "Click to follow\nIndy Politics",
        "7 April 2013 Last updated at 15:01",
        "Sunday, 7 April 2013",
        "Share this article\nTwitter\nFacebook\nEmail",
        "Posted by\nBritannia Radio\nat\n16:56",
    ],
)
def test_furniture_in_a_transcription_is_trimmed_and_kept_in_the_original(write_file, furniture):
    text = f"Talks on pensions\n\n{furniture}\n\n" + "\n\n".join(PARAGRAPHS) + "\n"

    article = _import(write_file, "talks.txt", text)

    assert article.body_text.split("\n\n")[-2:] == PARAGRAPHS
    assert " ".join(furniture.split()) not in " ".join(article.body_text.split())
    assert article.original == text


def test_posted_by_at_the_end_of_a_post_is_trimmed(write_file):
    text = "\n\n".join(PARAGRAPHS) + "\n\nPosted by\nBritannia Radio\nat\n16:56\n"

    article = _import(write_file, "post.txt", text)

    assert article.body_text.split("\n\n") == PARAGRAPHS
    assert article.source == "Britannia Radio"


def test_a_sentence_about_sharing_or_updates_is_not_furniture(write_file):
    kept = "Share this with every member: the union updated its claim at 10:00 today."
    text = "\n\n".join([*PARAGRAPHS, kept]) + "\n"

    article = _import(write_file, "claim.txt", text)

    assert kept in article.body_text
