"""Editors import articles in the admin by uploading several files at once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Article

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:archive_article_import")


def _files() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile("strike.txt", b"PCS strike\n\nPCS members walked out over pay.\n"),
        SimpleUploadedFile("rail.html", b"<h1>Rail strike</h1><p>Rail workers walked out.</p>"),
        SimpleUploadedFile("empty.txt", b""),
    ]


def test_the_article_list_has_an_import_button(editor_client):
    page = editor_client.get(reverse("admin:archive_article_changelist")).content.decode()

    assert f'href="{IMPORT_URL}"' in page and "Import articles" in page


def test_an_editor_uploads_several_files_and_sees_each_outcome_with_links(editor_client, pcs):
    response = editor_client.post(IMPORT_URL, {"files": _files()}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith(IMPORT_URL)  # to the import's progress page
    page = response.content.decode()
    assert "Imported 2, duplicates 0, refused 1." in page
    assert page.count("<td>imported</td>") == 2
    assert page.count("<td><strong>refused</strong></td>") == 1
    for article in Article.objects.all():
        assert reverse("admin:archive_article_change", args=[article.pk]) in page
        assert (article.status, article.imported_by) == ("draft", "editor")
    assert "empty.txt" in page and "empty file" in page
    assert pcs.name in page  # the links made are listed
    assert Article.objects.get(title="PCS strike").organisations.get() == pcs


def test_an_upload_already_imported_is_shown_as_a_duplicate_of_its_article(editor_client):
    editor_client.post(IMPORT_URL, {"files": _files()[:1]})
    article = Article.objects.get()

    page = editor_client.post(IMPORT_URL, {"files": _files()[:1]}, follow=True).content.decode()

    assert "Imported 0, duplicates 1, refused 0." in page
    assert "<td>duplicate</td>" in page
    assert reverse("admin:archive_article_change", args=[article.pk]) in page


def test_a_dry_run_upload_writes_nothing(editor_client):
    page = editor_client.post(
        IMPORT_URL, {"files": _files(), "dry_run": "on"}, follow=True
    ).content.decode()

    assert "would import 2" in page and page.count("<td>would be imported</td>") == 2
    assert not Article.objects.exists()


def test_the_form_asks_for_files(editor_client):
    response = editor_client.post(IMPORT_URL, {})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_staff_without_permission_to_add_articles_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(user)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"files": _files()}).status_code == 403
    assert not Article.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
