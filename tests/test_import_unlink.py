"""Every link the importer makes is listed in its report and can be removed in one click."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:archive_article_import")


def _unlink_url(article: Article, kind: str, entity_id: int) -> str:
    return reverse("admin:archive_article_unlink", args=[article.pk, kind, entity_id])


def test_the_report_lists_each_link_with_the_words_that_made_it(write_file, pcs, serwotka):
    (outcome,) = import_files(
        [write_file("a.txt", "Strike\n\nMark Serwotka of PCS spoke.\n")]
    ).outcomes

    assert {(link["kind"], link["name"], link["evidence"]) for link in outcome.links} == {
        ("organisation", pcs.name, "PCS"),
        ("person", "Mark Serwotka", "Mark Serwotka"),
    }


def test_the_admin_report_offers_a_remove_button_for_each_link(editor_client, pcs):
    upload = SimpleUploadedFile("strike.txt", b"PCS strike\n\nPCS members walked out over pay.\n")

    page = editor_client.post(IMPORT_URL, {"files": [upload]}, follow=True).content.decode()

    article = Article.objects.get()
    assert _unlink_url(article, "organisation", pcs.pk) in page
    assert "Remove the link to Public and Commercial Services Union" in page


def test_one_click_removes_the_link_and_goes_back(editor_client, pcs, serwotka, write_file):
    import_files([write_file("a.txt", "Strike\n\nMark Serwotka of PCS spoke.\n")])
    article = Article.objects.get()

    response = editor_client.post(
        _unlink_url(article, "organisation", pcs.pk), {"next": IMPORT_URL}
    )

    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert not article.organisations.exists()
    assert list(article.people.all()) == [serwotka]  # the other links stay


def test_removing_a_link_goes_to_the_article_when_next_is_elsewhere(editor_client, pcs, write_file):
    import_files([write_file("a.txt", "Strike\n\nPCS members spoke.\n")])
    article = Article.objects.get()

    response = editor_client.post(
        _unlink_url(article, "organisation", pcs.pk), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("admin:archive_article_change", args=[article.pk])


def test_removing_a_link_needs_a_post(editor_client, pcs, write_file):
    import_files([write_file("a.txt", "Strike\n\nPCS members spoke.\n")])
    article = Article.objects.get()

    response = editor_client.get(_unlink_url(article, "organisation", pcs.pk))

    assert response.status_code == 405
    assert article.organisations.exists()


def test_staff_who_cannot_change_articles_cannot_remove_links(
    client, django_user_model, pcs, write_file
):
    import_files([write_file("a.txt", "Strike\n\nPCS members spoke.\n")])
    article = Article.objects.get()
    user = django_user_model.objects.create_user(
        "viewer", password="x-long-password", is_staff=True
    )
    client.force_login(user)

    response = client.post(_unlink_url(article, "organisation", pcs.pk))

    assert response.status_code == 403
    assert article.organisations.exists()


def test_an_unknown_kind_of_link_is_not_found(editor_client, pcs, write_file):
    import_files([write_file("a.txt", "Strike\n\nPCS members spoke.\n")])
    article = Article.objects.get()

    response = editor_client.post(f"/admin/archive/article/{article.pk}/unlink/union/{pcs.pk}/")

    assert response.status_code == 404


def test_removing_a_link_is_kept_in_the_articles_history(editor_client, pcs, write_file):
    from reversion.models import Version

    import_files([write_file("a.txt", "Strike\n\nPCS members walked out.\n")])
    article = Article.objects.get()
    before = Version.objects.get_for_object(article).count()

    editor_client.post(_unlink_url(article, "organisation", pcs.pk), {"next": IMPORT_URL})

    versions = Version.objects.get_for_object(article)
    assert versions.count() == before + 1
    assert "Removed the link to" in versions.first().revision.comment
