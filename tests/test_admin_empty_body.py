"""An admin save that would leave an article without text is refused, as the importer refuses it."""

import pytest
from django.urls import reverse

from archive.models import Article

pytestmark = pytest.mark.django_db

NO_TEXT = "No text left after cleaning"


def _new_article(**changes) -> dict:
    data = {
        "title": "New ballot",
        "slug": "new-ballot",
        "status": "draft",
        "original": "<p>PCS opens a ballot.</p>",
        "original_format": "html",
        "date_precision": "day",
        "body_html": "",
    }
    data.update(changes)
    return data


def _existing_article(article: Article, **changes) -> dict:
    data = {
        "title": article.title,
        "slug": article.slug,
        "status": article.status,
        "standfirst": article.standfirst,
        "byline": article.byline,
        "source": article.source,
        "url": article.url,
        "published_date": article.published_date.isoformat() if article.published_date else "",
        "date_precision": article.date_precision,
        "body_html": article.body_html,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script><img src=x>",
        "<p>&nbsp;</p><div> </div>",
        "<svg><title>x</title></svg>",
    ],
)
def test_an_edited_body_that_cleans_to_nothing_is_refused(editor_client, published_article, body):
    url = reverse("admin:archive_article_change", args=[published_article.pk])
    before = published_article.body_html

    response = editor_client.post(url, _existing_article(published_article, body_html=body))

    assert response.status_code == 200
    assert NO_TEXT in response.content.decode()
    published_article.refresh_from_db()
    assert published_article.body_html == before


def test_a_new_article_whose_original_cleans_to_nothing_is_refused(editor_client):
    response = editor_client.post(
        reverse("admin:archive_article_add"),
        _new_article(original="<h1>Only a headline</h1><script>x()</script>"),
    )

    assert response.status_code == 200
    assert NO_TEXT in response.content.decode()
    assert not Article.objects.exists()


def test_a_body_holding_only_a_heading_is_kept_as_text(editor_client, published_article):
    url = reverse("admin:archive_article_change", args=[published_article.pk])

    response = editor_client.post(
        url, _existing_article(published_article, body_html="<h1>Strike called off</h1>")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    published_article.refresh_from_db()
    assert published_article.body_text == "Strike called off"


def test_emptying_the_body_of_an_article_remakes_it_from_its_original(
    editor_client, published_article
):
    url = reverse("admin:archive_article_change", args=[published_article.pk])

    response = editor_client.post(url, _existing_article(published_article, body_html=""))

    assert response.status_code == 302, response.content.decode()[:2000]
    published_article.refresh_from_db()
    assert "walked out" in published_article.body_text
