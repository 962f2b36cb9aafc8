"""A headline or standfirst a source repeats at the top of its text is shown once: an editorial
rule applied where text enters (the importer and the admin's form for a new article)."""

import pytest
from django.urls import reverse

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

TEXT = "No lead from Socialist Party\n\nMembers vote for action.\n\nThe ballot went on."


def test_the_importer_shows_a_repeated_headline_once(write_file):
    report = import_files([write_file("lead.txt", TEXT)])
    article = Article.objects.get(pk=report.outcomes[0].article_id)
    assert article.title == "No lead from Socialist Party"
    assert not article.body_text.startswith("No lead from Socialist Party")
    assert "The ballot went on." in article.body_text


def test_a_new_article_in_the_admin_shows_its_headline_and_standfirst_once(editor_client):
    response = editor_client.post(
        reverse("admin:archive_article_add"),
        {
            "title": "No lead from Socialist Party",
            "slug": "no-lead",
            "standfirst": "Members vote for action",
            "status": "draft",
            "date_precision": "day",
            "original": "No lead from Socialist Party\n\nMembers vote for action\n\nThe ballot.",
            "original_format": "text",
            "body_html": "",
            "version": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="no-lead")
    assert article.body_html == "<p>The ballot.</p>"


def test_a_first_sentence_serving_as_title_stays_in_the_text(editor_client):
    editor_client.post(
        reverse("admin:archive_article_add"),
        {
            "title": "Danny Alexander appealed to workers",
            "slug": "appealed",
            "status": "draft",
            "date_precision": "day",
            "original": "Danny Alexander appealed to workers.\n\nHe told the show he was sorry.",
            "original_format": "text",
        },
    )
    article = Article.objects.get(slug="appealed")
    assert article.body_text.startswith("Danny Alexander appealed to workers.")


def test_editing_an_article_in_the_admin_never_removes_its_opening(
    editor_client, published_article
):
    from tests.admin_forms import change_url, form_data

    data = form_data(editor_client.get(change_url(published_article)))
    data["body_html"] = f"<p>{published_article.title}</p><p>More.</p>"
    editor_client.post(change_url(published_article), data)
    published_article.refresh_from_db()
    assert published_article.body_text.startswith(published_article.title)
